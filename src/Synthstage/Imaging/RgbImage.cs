using SkiaSharp;

namespace Synthstage.Imaging;

/// <summary>An 8-bit RGB image, rows top to bottom, pixels interleaved R, G, B (no padding).</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width × Height × 3 bytes, owned by the image.</param>
public sealed record RgbImage(int Width, int Height, byte[] Pixels)
{
    /// <summary>Reads any image <see cref="ImageFiles"/> decodes (PNG, JPEG, WebP, …) as RGB; alpha is dropped.</summary>
    /// <param name="path">Image file.</param>
    /// <param name="role">What the image is, for error messages ("input", "init image").</param>
    /// <exception cref="SynthstageException">The file is missing or not a readable image.</exception>
    public static RgbImage Load(string path, string role = "image") => ImageFiles.ReadRgb(path, role);

    /// <summary>Returns this image resized to <paramref name="width"/>×<paramref name="height"/> (bilinear with mipmaps), or itself when the size matches.</summary>
    public RgbImage Resize(int width, int height)
    {
        if (width == Width && height == Height) return this;
        using var source = ToBitmap();
        using var resized = source.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque),
            new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        return FromBitmap(resized);
    }

    /// <summary>An opaque RGBA8888 SkiaSharp bitmap of the image; the caller disposes it.</summary>
    public SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var rowBytes = bitmap.RowBytes;
        unsafe
        {
            var dst = (byte*)bitmap.GetPixels();
            for (var y = 0; y < Height; y++)
            {
                var src = Pixels.AsSpan(y * Width * 3, Width * 3);
                var row = new Span<byte>(dst + (long)y * rowBytes, Width * 4);
                for (int x = 0, s = 0, d = 0; x < Width; x++, s += 3, d += 4)
                {
                    row[d] = src[s];
                    row[d + 1] = src[s + 1];
                    row[d + 2] = src[s + 2];
                    row[d + 3] = 255;
                }
            }
        }
        return bitmap;
    }

    /// <summary>The RGB pixels of <paramref name="bitmap"/> (converted to RGBA8888 first unless it already is, unpremultiplied).</summary>
    internal static RgbImage FromBitmap(SKBitmap bitmap)
    {
        using var rgba = bitmap.ColorType == SKColorType.Rgba8888 && bitmap.AlphaType != SKAlphaType.Premul
            ? bitmap.Copy()
            : bitmap.Copy(SKColorType.Rgba8888);
        if (rgba is null) throw new SynthstageException("image could not be converted to RGBA", ExitCodes.BadInput);
        var width = rgba.Width;
        var height = rgba.Height;
        var pixels = new byte[width * height * 3];
        var src = rgba.GetPixelSpan();
        var rowBytes = rgba.RowBytes;
        for (var y = 0; y < height; y++)
        {
            var row = src.Slice(y * rowBytes, width * 4);
            var dst = pixels.AsSpan(y * width * 3, width * 3);
            for (int x = 0, s = 0, d = 0; x < width; x++, s += 4, d += 3)
            {
                dst[d] = row[s];
                dst[d + 1] = row[s + 1];
                dst[d + 2] = row[s + 2];
            }
        }
        return new RgbImage(width, height, pixels);
    }
}
