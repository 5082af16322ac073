using Synthstage.Diffusion;
using Synthstage.Walks;

namespace Synthstage.Tests.Walks;

public class LatentInterpolationTests
{
    private static float[] Noise(ulong seed) => new TorchGenerator(seed).Randn(1, 4, 8, 8);

    [Fact]
    public void SlerpAtZeroIsTheStartExactly()
    {
        var (a, b) = (Noise(1), Noise(2));
        var result = new float[a.Length];
        LatentInterpolation.Slerp(a, b, 0f, result);
        Assert.Equal(a, result);
    }

    [Fact]
    public void SlerpMatchesTheFormulaAndEndsAtTheEnd()
    {
        var (a, b) = (Noise(1), Noise(2));
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * (double)b[i]; na += a[i] * (double)a[i]; nb += b[i] * (double)b[i]; }
        var theta = Math.Acos(dot / Math.Sqrt(na * nb));
        var result = new float[a.Length];
        LatentInterpolation.Slerp(a, b, 0.3f, result);
        for (var i = 0; i < a.Length; i++)
        {
            var expected = Math.Sin(0.7 * theta) / Math.Sin(theta) * a[i] + Math.Sin(0.3 * theta) / Math.Sin(theta) * b[i];
            Assert.Equal(expected, result[i], 1e-5);
        }
        LatentInterpolation.Slerp(a, b, 1f, result);
        for (var i = 0; i < a.Length; i++) Assert.Equal(b[i], result[i], 1e-5);
    }

    [Fact]
    public void SlerpKeepsTheNormOfIndependentNoiseWhereLerpShrinksIt()
    {
        // Two independent Gaussian vectors are nearly orthogonal: halfway, lerp has norm ≈ |a|/√2, slerp ≈ |a|.
        var (a, b) = (new TorchGenerator(3).Randn(4096), new TorchGenerator(4).Randn(4096));
        var s = new float[a.Length];
        var l = new float[a.Length];
        LatentInterpolation.Slerp(a, b, 0.5f, s);
        LatentInterpolation.Lerp(a, b, 0.5f, l);
        static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));
        Assert.InRange(Norm(s) / Norm(a), 0.97, 1.03);
        Assert.InRange(Norm(l) / Norm(a), 0.68, 0.74);
    }

    [Fact]
    public void NearlyParallelVectorsFallBackToLerp()
    {
        var a = Noise(1);
        var b = a.Select(x => x * 1.0001f + 1e-6f).ToArray();
        var s = new float[a.Length];
        var l = new float[a.Length];
        LatentInterpolation.Slerp(a, b, 0.25f, s);
        LatentInterpolation.Lerp(a, b, 0.25f, l);
        Assert.Equal(l, s);
    }

    [Fact]
    public void LerpAtZeroIsTheStartExactly()
    {
        var (a, b) = (Noise(5), Noise(6));
        var result = new float[a.Length];
        LatentInterpolation.Lerp(a, b, 0f, result);
        Assert.Equal(a, result);
        LatentInterpolation.Lerp(a, b, 0.5f, result);
        Assert.Equal((a[7] + b[7]) / 2, result[7], 1e-6f);
    }
}
