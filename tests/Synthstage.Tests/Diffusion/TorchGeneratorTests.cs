using Synthstage.Diffusion;

namespace Synthstage.Tests.Diffusion;

/// <summary>
/// torch values: <c>torch.manual_seed(0); torch.randn(...)</c> on CPU (float32), as published in PRODUCT.md and
/// the PyTorch docs' well-known seed-0 examples.
/// </summary>
public sealed class TorchGeneratorTests
{
    private const float Tolerance = 1e-4f;

    [Fact]
    public void Seed0_LatentShape_MatchesTorch()
    {
        var generator = new TorchGenerator(0);
        float[] latents = generator.Randn(2, 4, 8, 8);

        Assert.Equal(512, latents.Length);
        float[] expected = [-1.12584f, -1.15236f, -0.250579f, -0.433879f];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], latents[i], 1e-5f);
        }
    }

    [Fact]
    public void Seed0_4x4_MatchesTorch()
    {
        // torch.manual_seed(0); torch.randn(4, 4)
        float[] expected =
        [
            -1.1258f, -1.1524f, -0.2506f, -0.4339f,
            0.8487f, 0.6920f, -0.3160f, -2.1152f,
            0.3223f, -1.2633f, 0.3500f, 0.3081f,
            0.1198f, 1.2377f, 1.1168f, -0.2473f,
        ];
        float[] actual = new TorchGenerator(0).Randn(4, 4);
        AssertClose(expected, actual);
    }

    [Fact]
    public void Seed0_FewerThan16_UsesScalarPathWithCachedSecondValue()
    {
        // torch.manual_seed(0); torch.randn(5) — the scalar double-precision Box–Muller path.
        float[] expected = [1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f];
        AssertClose(expected, new TorchGenerator(0).Randn(5));
    }

    [Fact]
    public void SuccessiveCalls_ContinueTheStream()
    {
        // Scalar calls share the cached second Box–Muller value: randn(2) then randn(3) equals randn(5)
        // as long as the pairing is preserved.
        var generator = new TorchGenerator(0);
        float[] first = generator.Randn(2);
        float[] second = generator.Randn(3);
        float[] together = new TorchGenerator(0).Randn(5);
        AssertClose(together, [.. first, .. second]);

        // Fill path: two 16-element calls consume the same uniforms as one 32-element call.
        var a = new TorchGenerator(7);
        float[] x = [.. a.Randn(16), .. a.Randn(16)];
        float[] y = new TorchGenerator(7).Randn(32);
        AssertClose(y, x);
    }

    [Fact]
    public void RaggedTail_RedrawsLast16()
    {
        // 20 elements draw 20 uniforms; block one transforms uniforms 0..15 into elements 0..15, then the last
        // 16 elements are overwritten from 16 fresh uniforms (20..35).
        float[] ragged = new TorchGenerator(3).Randn(20);

        var reference = new TorchGenerator(3);
        float[] firstBlock = reference.Randn(16); // uniforms 0..15
        reference.Randn(1);                       // the scalar path consumes four 32-bit draws: 16..19
        float[] redrawn = reference.Randn(16);    // uniforms 20..35

        AssertClose(firstBlock[..4], ragged[..4]);
        AssertClose(redrawn, ragged[4..]);
    }

    [Fact]
    public void SameSeed_SameNoise_DifferentSeed_Differs()
    {
        float[] a = new TorchGenerator(42).Randn(1, 4, 8, 8);
        float[] b = new TorchGenerator(42).Randn(1, 4, 8, 8);
        float[] c = new TorchGenerator(43).Randn(1, 4, 8, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void LargeDraw_HasStandardNormalMoments()
    {
        float[] x = new TorchGenerator(1234).Randn(1, 4, 64, 64);
        double mean = x.Average(v => (double)v);
        double variance = x.Average(v => (v - mean) * (v - mean));
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(variance, 0.95, 1.05);
    }

    [Fact]
    public void NegativeDimension_Throws()
    {
        Assert.Throws<ArgumentException>(() => new TorchGenerator(0).Randn(2, -1));
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) < Tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
