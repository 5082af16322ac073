using Synthstage.Segmentation;

namespace Synthstage.Tests.Segmentation;

public class TemporalMaskSmootherTests
{
    // MediaPipe SegmentationSmoothingCalculator, written out independently of the implementation.
    private static float Reference(float current, float previous, float ratio)
    {
        double x = (current - 0.5) * (current - 0.5);
        var uncertainty = 1 - Math.Min(1, x * (5.68842 + x * (-0.748699 + x * (-57.8051 + x * (291.309 + x * -624.717)))));
        return (float)(current + (previous - current) * uncertainty * ratio);
    }

    [Fact]
    public void FollowsMediaPipesFormulaOnTheVectorAndScalarPaths()
    {
        const int n = 37; // not a multiple of the vector width, so the scalar tail runs too
        var random = new Random(3);
        var first = Enumerable.Range(0, n).Select(_ => random.NextSingle()).ToArray();
        var second = Enumerable.Range(0, n).Select(_ => random.NextSingle()).ToArray();
        var smoother = new TemporalMaskSmoother(n, 0.7f);
        var mask = (float[])first.Clone();
        smoother.Smooth(mask);
        Assert.Equal(first, mask); // nothing to smooth against yet
        mask = (float[])second.Clone();
        smoother.Smooth(mask);
        for (var i = 0; i < n; i++) Assert.Equal(Reference(second[i], first[i], 0.7f), mask[i], 1e-5f);
    }

    [Fact]
    public void CertainPixelsFollowTheNetworkAndHalfwayPixelsKeepTheirHistory()
    {
        var smoother = new TemporalMaskSmoother(3, 0.7f);
        smoother.Smooth(new[] { 1f, 0f, 1f });
        var mask = new[] { 0f, 1f, 0.5f };
        smoother.Smooth(mask);
        Assert.Equal(0f, mask[0], 1e-4f);   // p = 0: uncertainty 0
        Assert.Equal(1f, mask[1], 1e-4f);   // p = 1: uncertainty 0
        Assert.Equal(0.5f + 0.5f * 0.7f, mask[2], 1e-5f); // p = 0.5: uncertainty 1
    }

    [Fact]
    public void ResetForgetsThePreviousMaskAndRatioZeroIsOff()
    {
        var smoother = new TemporalMaskSmoother(1, 0.9f);
        smoother.Smooth(new[] { 1f });
        smoother.Reset();
        var mask = new[] { 0.5f };
        smoother.Smooth(mask);
        Assert.Equal(0.5f, mask[0]);
        var off = new TemporalMaskSmoother(1, 0f);
        off.Smooth(new[] { 1f });
        mask[0] = 0.5f;
        off.Smooth(mask);
        Assert.Equal(0.5f, mask[0]);
        Assert.Throws<SynthstageException>(() => new TemporalMaskSmoother(1, 1.5f));
    }

    [Fact]
    public void SmoothingAllocatesNothingPerFrame()
    {
        var smoother = new TemporalMaskSmoother(256 * 144, 0.7f);
        var mask = new float[256 * 144];
        smoother.Smooth(mask);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10; i++) smoother.Smooth(mask);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
