namespace Synthstage.Media;

/// <summary>What <see cref="MediaProbe.ProbeAsync"/> learned about a video or still image.</summary>
/// <param name="Path">Absolute path of the file.</param>
/// <param name="Width">Coded width in pixels, before rotation.</param>
/// <param name="Height">Coded height in pixels, before rotation.</param>
/// <param name="FrameRate">Frames per second: the average rate, or the nominal rate when no average is known.
/// For still images the demuxer's nominal rate (usually 25), which has no meaning.</param>
/// <param name="IsVariableFrameRate">True when the average and the base (r_frame_rate) rates differ.</param>
/// <param name="FrameCount">Number of frames: exact when the container stores it (see <see cref="FrameCountIsExact"/>),
/// else estimated as duration × fps; 1 for still images; 0 when neither count nor duration is known.</param>
/// <param name="Duration">Duration of the video stream (or of the file when the stream has none); zero for stills.</param>
/// <param name="Rotation">Clockwise degrees (0, 90, 180 or 270) the frames are turned for display, from the
/// display matrix or the <c>rotate</c> tag; <see cref="VideoFrameReader"/> applies it.</param>
/// <param name="VideoCodec">ffmpeg codec name of the video stream, e.g. <c>h264</c>, <c>png</c>.</param>
/// <param name="IsStillImage">True for a single image (PNG, JPEG, WebP, ...), which yields one frame.</param>
/// <param name="AudioStreams">Audio streams in container order; empty when there is no audio.</param>
public sealed record VideoInfo(string Path, int Width, int Height, double FrameRate, bool IsVariableFrameRate,
    int FrameCount, TimeSpan Duration, int Rotation, string VideoCodec,
    bool IsStillImage, IReadOnlyList<AudioStreamInfo> AudioStreams)
{
    /// <summary>Width as displayed: <see cref="Height"/> when <see cref="Rotation"/> is 90 or 270, else <see cref="Width"/>.</summary>
    public int DisplayWidth => Rotation is 90 or 270 ? Height : Width;

    /// <summary>Height as displayed: <see cref="Width"/> when <see cref="Rotation"/> is 90 or 270, else <see cref="Height"/>.</summary>
    public int DisplayHeight => Rotation is 90 or 270 ? Width : Height;

    /// <summary>True when the file has at least one audio stream.</summary>
    public bool HasAudio => AudioStreams.Count > 0;

    /// <summary>True when <see cref="FrameCount"/> comes from the container (nb_frames) or the file is a still image.</summary>
    public bool FrameCountIsExact { get; init; }

    /// <summary>True when the video stream carries transparency (a pixel format with alpha, or WebM's alpha_mode tag).</summary>
    public bool HasAlpha { get; init; }

    /// <summary>The source pixel format as ffmpeg names it (e.g. <c>yuv420p</c>), or an empty string when unknown.</summary>
    public string PixelFormat { get; init; } = "";

    /// <summary>Container index of the video stream described here (ffprobe's <c>index</c>); cover pictures are never chosen.</summary>
    public int VideoStreamIndex { get; init; }

    /// <summary>ffmpeg's container name(s), e.g. <c>mov,mp4,m4a,3gp,3g2,mj2</c> or <c>png_pipe</c>.</summary>
    public string ContainerFormat { get; init; } = "";
}
