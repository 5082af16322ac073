using Synthstage.Diffusion;

namespace Synthstage.Tests.Diffusion;

/// <summary>
/// torch values: <c>torch.manual_seed(seed); torch.randn(...)</c> on CPU (float32): the seed-0 values published in
/// PRODUCT.md and the PyTorch docs, and values printed by torch 1.13.1 (Debian's <c>python3-torch</c>) for the
/// ragged-tail, short and latent-shaped draws.
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
    public void RaggedTail_MatchesTorch()
    {
        // torch 1.13.1 CPU: torch.manual_seed(3); torch.randn(20). 20 is not a multiple of 16, so torch transforms
        // uniforms 0..15, then redraws 16 uniforms for elements 4..19 and transforms those.
        float[] expected =
        [
            -0.076644f, 0.359882f, -0.782017f, 0.071528f, 1.046023f, 0.522187f, -0.166809f, 0.053033f, 0.404607f, 0.611300f,
            0.760390f, -0.033643f, 0.997922f, 0.459180f, 2.436397f, -0.146808f, 0.485114f, 0.205234f, 0.338428f, 1.352754f,
        ];
        AssertClose(expected, new TorchGenerator(3).Randn(20), 1e-5f);
    }

    [Fact]
    public void FewerThan16_MatchesTorch()
    {
        // torch 1.13.1 CPU: torch.manual_seed(5); torch.randn(7) — the scalar double-precision path, odd length.
        float[] expected = [-0.486781f, -0.603822f, -0.558096f, 0.667524f, -0.197415f, 1.942783f, -1.401702f];
        AssertClose(expected, new TorchGenerator(5).Randn(7), 1e-5f);
    }

    [Fact]
    public void SmallLatentShapeWithRaggedTail_MatchesTorch()
    {
        // torch 1.13.1 CPU: torch.manual_seed(42); torch.randn(1, 4, 6, 7) — 168 elements, 10 blocks and a tail of 8.
        float[] x = new TorchGenerator(42).Randn(1, 4, 6, 7);
        Assert.Equal(168, x.Length);
        AssertClose([1.926915f, 1.487284f, 0.900717f, -2.105521f], x[..4], 1e-5f);
        AssertClose([-1.158583f, -0.963662f, -0.374997f, 0.803253f], x[^4..], 1e-5f);
        Assert.Equal(15.36093, x.Sum(v => (double)v), 1e-4);
    }

    [Fact]
    public void WalkSizedLatents_MatchTorch()
    {
        // torch 1.13.1 CPU: torch.manual_seed(1234); torch.randn(1, 4, 48, 88) — latents of a 704×384 frame.
        float[] x = new TorchGenerator(1234).Randn(1, 4, 48, 88);
        Assert.Equal(4 * 48 * 88, x.Length);
        AssertClose([-0.111719f, -0.496590f], x[..2], 1e-5f);
        AssertClose([0.157527f, -1.586692f], x[^2..], 1e-5f);
        // Summed over 16 896 values the float32 ulp differences stay far below the printed precision of the sum.
        Assert.Equal(-22.2549, x.Sum(v => (double)v), 1e-3);
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

    private static void AssertClose(float[] expected, float[] actual, float tolerance = Tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
