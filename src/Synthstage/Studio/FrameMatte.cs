using SkiaSharp;

namespace Synthstage.Studio;

/// <summary>The matte of one frame at frame size (one byte per pixel, 255 = subject) and how long it took.</summary>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Alpha">Width × Height matte values.</param>
/// <param name="Model">The model that made it.</param>
/// <param name="Elapsed">Decode and matte time on the server.</param>
public sealed record FrameMatte(int Width, int Height, byte[] Alpha, string Model, TimeSpan Elapsed)
{
    /// <summary>Colour of the overlay (a light blue, visible over skin and most clothes).</summary>
    private static readonly (byte R, byte G, byte B) Tint = (40, 170, 255);

    /// <summary>The matte's value under <paramref name="point"/>, 0..255.</summary>
    public byte At(SubjectPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        var (x, y) = point.InPixels(Width, Height);
        return Alpha[y * Width + x];
    }

    /// <summary>Share of the frame the subject covers (matte at or above half).</summary>
    public double Coverage => Alpha.Count(a => a >= 128) / (double)Alpha.Length;

    /// <summary>A transparent PNG with the subject tinted, to lay over the frame.</summary>
    public byte[] EncodeOverlayPng()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        unsafe
        {
            var dst = (byte*)bitmap.GetPixels();
            for (var i = 0; i < Alpha.Length; i++)
            {
                dst[4 * i] = Tint.R;
                dst[4 * i + 1] = Tint.G;
                dst[4 * i + 2] = Tint.B;
                dst[4 * i + 3] = (byte)(Alpha[i] * 140 / 255);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 1);
        return data.ToArray();
    }
}
