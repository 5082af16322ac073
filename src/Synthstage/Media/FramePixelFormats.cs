namespace Synthstage.Media;

/// <summary>Sizes and ffmpeg names of <see cref="FramePixelFormat"/> values.</summary>
public static class FramePixelFormats
{
    /// <summary>Bytes per pixel: 3 for <see cref="FramePixelFormat.Rgb24"/>, 4 for <see cref="FramePixelFormat.Rgba32"/>.</summary>
    public static int BytesPerPixel(this FramePixelFormat format) => format switch
    {
        FramePixelFormat.Rgb24 => 3,
        FramePixelFormat.Rgba32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };

    /// <summary>Bytes of one packed frame of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static int FrameSize(this FramePixelFormat format, int width, int height) =>
        checked(width * height * format.BytesPerPixel());

    /// <summary>The ffmpeg <c>-pix_fmt</c> name: <c>rgb24</c> or <c>rgba</c>.</summary>
    public static string FfmpegName(this FramePixelFormat format) => format switch
    {
        FramePixelFormat.Rgb24 => "rgb24",
        FramePixelFormat.Rgba32 => "rgba",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };
}
