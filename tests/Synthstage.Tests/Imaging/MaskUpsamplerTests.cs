using Synthstage.Imaging;

namespace Synthstage.Tests.Imaging;

public class MaskUpsamplerTests
{
    // Independent reference: pixel-centre bilinear sampling written directly from the formula.
    private static float Sample(float[] src, int w, int h, int outW, int outH, int x, int y)
    {
        var sx = Math.Clamp((x + 0.5) * w / outW - 0.5, 0, w - 1);
        var sy = Math.Clamp((y + 0.5) * h / outH - 0.5, 0, h - 1);
        int x0 = (int)sx, y0 = (int)sy, x1 = Math.Min(x0 + 1, w - 1), y1 = Math.Min(y0 + 1, h - 1);
        double fx = sx - x0, fy = sy - y0;
        var top = src[y0 * w + x0] * (1 - fx) + src[y0 * w + x1] * fx;
        var bottom = src[y1 * w + x0] * (1 - fx) + src[y1 * w + x1] * fx;
        return (float)(top * (1 - fy) + bottom * fy);
    }

    [Theory]
    [InlineData(16, 9, 160, 90, 1)]
    [InlineData(7, 5, 33, 21, 3)]
    [InlineData(8, 8, 5, 3, 1)]
    public void MatchesPixelCentreBilinearReference(int w, int h, int outW, int outH, int repeat)
    {
        var rng = new Random(42);
        var mask = Enumerable.Range(0, w * h).Select(_ => (float)rng.NextDouble()).ToArray();
        using var up = new MaskUpsampler(w, h, outW, outH, repeat);
        var alpha = new byte[outW * outH * repeat];
        up.Upsample(mask, alpha);
        for (var y = 0; y < outH; y++)
            for (var x = 0; x < outW; x++)
            {
                var expected = Sample(mask, w, h, outW, outH, x, y) * 255;
                for (var c = 0; c < repeat; c++)
                    Assert.InRange(alpha[(y * outW + x) * repeat + c], expected - 0.51, expected + 0.51);
            }
    }

    [Fact]
    public void InterleavedSourceUpsamplesEachChannelSeparately()
    {
        // A 2×1 RGB source: red on the left, blue on the right.
        var src = new float[] { 1, 0, 0, 0, 0, 1 };
        using var up = new MaskUpsampler(2, 1, 4, 1, repeat: 3, interleavedSource: true);
        var dst = new byte[12];
        up.Upsample(src, dst);
        Assert.Equal(new byte[] { 255, 0, 0, 191, 0, 64, 64, 0, 191, 0, 0, 255 }, dst);
    }
}
