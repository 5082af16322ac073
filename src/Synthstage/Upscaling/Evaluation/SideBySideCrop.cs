using SkiaSharp;
using Synthstage.Imaging;

namespace Synthstage.Upscaling.Evaluation;

/// <summary>
/// A figure for the docs: the same small window of the original, the Lanczos-3 result and the model's result, each
/// enlarged 300 % by pixel repetition (so the pixels are seen, not smoothed again), side by side with white gaps. The
/// window is the most detailed one (highest luma variance), where the methods differ most visibly.
/// </summary>
public static class SideBySideCrop
{
    private const int CropWidth = 96;
    private const int CropHeight = 64;
    private const int Zoom = 3;
    private const int Gap = 4;

    /// <summary>Writes the figure to <paramref name="path"/> (temporary name, then renamed) and returns the path.</summary>
    public static string Write(string path, RgbImage original, ReadOnlySpan<byte> lanczos, ReadOnlySpan<byte> model)
    {
        ArgumentNullException.ThrowIfNull(original);
        var (x0, y0) = MostDetailed(original);
        int panel = CropWidth * Zoom, width = 3 * panel + 2 * Gap, height = CropHeight * Zoom;
        var pixels = new byte[width * height * 3];
        pixels.AsSpan().Fill(255);
        var panels = new[] { original.Pixels.ToArray(), lanczos.ToArray(), model.ToArray() };
        for (var p = 0; p < 3; p++)
            for (var y = 0; y < height; y++)
                for (var x = 0; x < panel; x++)
                {
                    var s = ((y0 + y / Zoom) * original.Width + x0 + x / Zoom) * 3;
                    var d = (y * width + p * (panel + Gap) + x) * 3;
                    panels[p].AsSpan(s, 3).CopyTo(pixels.AsSpan(d, 3));
                }
        AtomicFile.Write(path, stream =>
        {
            using var bitmap = new RgbImage(width, height, pixels).ToBitmap();
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            data.SaveTo(stream);
        }, "the crop");
        return path;
    }

    private static (int X, int Y) MostDetailed(RgbImage image)
    {
        var best = (X: 0, Y: 0);
        var bestVariance = -1.0;
        for (var y = 0; y + CropHeight <= image.Height; y += 16)
            for (var x = 0; x + CropWidth <= image.Width; x += 16)
            {
                double sum = 0, squares = 0;
                for (var dy = 0; dy < CropHeight; dy += 2)
                    for (var dx = 0; dx < CropWidth; dx += 2)
                    {
                        var p = ((y + dy) * image.Width + x + dx) * 3;
                        double l = 0.299 * image.Pixels[p] + 0.587 * image.Pixels[p + 1] + 0.114 * image.Pixels[p + 2];
                        sum += l;
                        squares += l * l;
                    }
                var n = CropWidth * CropHeight / 4.0;
                var variance = squares / n - sum / n * (sum / n);
                if (variance > bestVariance) (bestVariance, best) = (variance, (x, y));
            }
        return best;
    }
}
