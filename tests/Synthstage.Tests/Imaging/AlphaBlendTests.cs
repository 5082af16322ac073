using Synthstage.Imaging;

namespace Synthstage.Tests.Imaging;

public class AlphaBlendTests
{
    [Fact]
    public void MatchesExactlyRoundedDivisionForEveryInputTriple()
    {
        // All 256³ combinations, laid out so that both the vector body and the scalar tail run.
        const int n = 256 * 256 * 256 + 7;
        var fg = new byte[n];
        var bg = new byte[n];
        var a = new byte[n];
        for (var i = 0; i < n; i++)
        {
            fg[i] = (byte)i;
            bg[i] = (byte)(i >> 8);
            a[i] = (byte)(i >> 16);
        }
        var dst = new byte[n];
        AlphaBlend.Blend(fg, bg, a, dst);
        for (var i = 0; i < n; i++)
        {
            var expected = (int)Math.Round((fg[i] * a[i] + bg[i] * (255.0 - a[i])) / 255.0, MidpointRounding.AwayFromZero);
            if (dst[i] != expected) Assert.Fail($"fg {fg[i]} bg {bg[i]} a {a[i]}: got {dst[i]}, expected {expected}");
        }
    }

    [Fact]
    public void OpaqueKeepsForegroundAndTransparentKeepsBackground()
    {
        var fg = Enumerable.Range(0, 100).Select(i => (byte)(i * 2)).ToArray();
        var bg = Enumerable.Range(0, 100).Select(i => (byte)(255 - i)).ToArray();
        var dst = new byte[100];
        AlphaBlend.Blend(fg, bg, Enumerable.Repeat((byte)255, 100).ToArray(), dst);
        Assert.Equal(fg, dst);
        AlphaBlend.Blend(fg, bg, new byte[100], dst);
        Assert.Equal(bg, dst);
    }
}

public class AlphaBlendRgbTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(1280)]
    public void PerPixelAlphaEqualsTheExpandedPerChannelBlend(int pixels)
    {
        var rng = new Random(pixels);
        var fg = new byte[pixels * 3];
        var bg = new byte[pixels * 3];
        var alpha = new byte[pixels];
        rng.NextBytes(fg);
        rng.NextBytes(bg);
        rng.NextBytes(alpha);
        var expanded = alpha.SelectMany(a => new[] { a, a, a }).ToArray();
        var expected = new byte[fg.Length];
        AlphaBlend.Blend(fg, bg, expanded, expected);
        var actual = new byte[fg.Length];
        AlphaBlend.BlendRgb(fg, bg, alpha, actual);
        Assert.Equal(expected, actual);
    }
}
