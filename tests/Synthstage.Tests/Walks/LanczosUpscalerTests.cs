using Synthstage.Walks.Upscaling;

namespace Synthstage.Tests.Walks;

public class LanczosUpscalerTests
{
    [Fact]
    public void AFlatImageStaysFlat()
    {
        var source = Enumerable.Repeat(new byte[] { 10, 128, 250 }, 5 * 3).SelectMany(p => p).ToArray();
        var result = new byte[15 * 9 * 3];
        using var upscaler = new LanczosUpscaler(3);
        upscaler.Upscale(source, 5, 3, result);
        for (var i = 0; i < result.Length; i += 3) Assert.Equal(new byte[] { 10, 128, 250 }, result[i..(i + 3)]);
    }

    [Fact]
    public void MatchesADirectLanczos3Reference()
    {
        const int w = 7, h = 5, n = 2;
        var random = new Random(3);
        var source = new byte[w * h * 3];
        random.NextBytes(source);
        var result = new byte[w * n * h * n * 3];
        using var upscaler = new LanczosUpscaler(n);
        upscaler.Upscale(source, w, h, result);

        static double L(double x) => x == 0 ? 1 : Math.Abs(x) >= 3 ? 0 : 3 * Math.Sin(Math.PI * x) * Math.Sin(Math.PI * x / 3) / (Math.PI * Math.PI * x * x);
        static (int Index, double Weight)[] Taps(int o, int n, int size)
        {
            var centre = (o + 0.5) / n - 0.5;
            var taps = Enumerable.Range((int)Math.Floor(centre) - 2, 6).Select(i => (i, L(centre - i))).ToArray();
            var sum = taps.Sum(t => t.Item2);
            return taps.Select(t => (Math.Clamp(t.i, 0, size - 1), t.Item2 / sum)).ToArray();
        }
        var maxDiff = 0;
        for (var y = 0; y < h * n; y++)
            for (var x = 0; x < w * n; x++)
                for (var c = 0; c < 3; c++)
                {
                    double v = 0;
                    foreach (var (sy, wy) in Taps(y, n, h))
                        foreach (var (sx, wx) in Taps(x, n, w))
                            v += wy * wx * source[(sy * w + sx) * 3 + c];
                    var expected = (int)Math.Clamp(Math.Round(v), 0, 255);
                    maxDiff = Math.Max(maxDiff, Math.Abs(expected - result[((y * w * n) + x) * 3 + c]));
                }
        Assert.True(maxDiff <= 1, $"max difference {maxDiff}");
    }

    [Fact]
    public void WrongBufferSizesAreRejected()
    {
        using var upscaler = new LanczosUpscaler(2);
        Assert.Throws<ArgumentException>(() => upscaler.Upscale(new byte[12], 2, 2, new byte[40]));
    }
}
