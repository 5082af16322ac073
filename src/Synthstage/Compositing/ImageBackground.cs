using Synthstage.Imaging;
using SkiaSharp;

namespace Synthstage.Compositing;

/// <summary>An image file scaled (high-quality cubic) to cover the frame, centred and cropped; decoded once.</summary>
public sealed class ImageBackground : IBackgroundSource
{
    private readonly byte[] _plate;

    private ImageBackground(byte[] plate) => _plate = plate;

    /// <summary>Decodes <paramref name="path"/> and prepares a plate of <paramref name="width"/>×<paramref name="height"/>.</summary>
    /// <exception cref="SynthstageException">The file is missing or not an image.</exception>
    public static ImageBackground Load(string path, int width, int height)
    {
        using var source = ImageFiles.ReadRgba(path, "background image");
        return new ImageBackground(CoverToRgb24(source, width, height));
    }

    /// <summary>Scales <paramref name="source"/> to cover width×height, crops the centre, and returns packed RGB24.</summary>
    public static byte[] CoverToRgb24(SKBitmap source, int width, int height)
    {
        var scale = Math.Max((double)width / source.Width, (double)height / source.Height);
        var scaledWidth = Math.Max(width, (int)Math.Ceiling(source.Width * scale));
        var scaledHeight = Math.Max(height, (int)Math.Ceiling(source.Height * scale));
        using var target = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(target))
        using (var image = SKImage.FromBitmap(source))
        {
            var left = (width - scaledWidth) / 2f;
            var top = (height - scaledHeight) / 2f;
            canvas.DrawImage(image, SKRect.Create(left, top, scaledWidth, scaledHeight), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }
        var rgba = target.GetPixelSpan();
        var rgb = new byte[width * height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return rgb;
    }

    /// <inheritdoc/>
    public bool IsStatic => true;

    /// <inheritdoc/>
    public void Render(ReadOnlySpan<byte> frame, Span<byte> destination) => _plate.CopyTo(destination);

    /// <inheritdoc/>
    public void Dispose() { }
}
