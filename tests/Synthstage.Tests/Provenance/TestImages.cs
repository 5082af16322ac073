using Synthstage.Imaging;
using Synthstage.Diffusion.Pipelines;

namespace Synthstage.Tests.Provenance;

/// <summary>Deterministic picture-like RGB images (gradients, discs, stripes and mild grain) for watermark tests.</summary>
internal static class TestImages
{
    public static RgbImage Scene(int width, int height, int seed)
    {
        var random = new Random(seed);
        var discs = Enumerable.Range(0, 12).Select(_ => (X: random.Next(width), Y: random.Next(height), R: 20 + random.Next(Math.Max(21, width / 4)),
            C: (random.Next(256), random.Next(256), random.Next(256)))).ToArray();
        var pixels = new byte[width * height * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                double r = 60 + 120.0 * x / width, g = 80 + 100.0 * y / height, b = 140 + 40 * Math.Sin(x * 0.01 + y * 0.02);
                foreach (var d in discs)
                    if ((x - d.X) * (x - d.X) + (y - d.Y) * (y - d.Y) < d.R * d.R)
                        (r, g, b) = (d.C.Item1, d.C.Item2, d.C.Item3 + 20 * Math.Sin(x * 0.3));
                var grain = random.NextDouble() * 6 - 3;
                var i = (y * width + x) * 3;
                pixels[i] = (byte)Math.Clamp(r + grain, 0, 255);
                pixels[i + 1] = (byte)Math.Clamp(g + grain, 0, 255);
                pixels[i + 2] = (byte)Math.Clamp(b + grain, 0, 255);
            }
        return new RgbImage(width, height, pixels);
    }

    public static RgbImage Clone(RgbImage image) => new(image.Width, image.Height, (byte[])image.Pixels.Clone());

    public static double Psnr(byte[] a, byte[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return 10 * Math.Log10(255.0 * 255.0 * a.Length / sum);
    }
}
