using Synthstage.Segmentation;

namespace Synthstage.Tests.Segmentation;

public class CentredMaskSmootherTests
{
    private static float Uncertainty(float p)
    {
        double x = (p - 0.5) * (p - 0.5);
        return (float)(1 - Math.Min(1, x * (5.68842 + x * (-0.748699 + x * (-57.8051 + x * (291.309 + x * -624.717))))));
    }

    // Streams masks through the smoother as a pipeline does: each released once `lookAhead` more are in, the rest at the end.
    private static List<float[]> Stream(IReadOnlyList<float[]> masks, int lookAhead, float ratio)
    {
        var smoother = new CentredMaskSmoother(masks[0].Length, lookAhead, ratio);
        var output = new List<float[]>();
        foreach (var mask in masks)
        {
            smoother.Accept(mask);
            if (smoother.Ready) output.Add(Release(smoother, mask.Length));
        }
        while (smoother.Pending > 0) output.Add(Release(smoother, masks[0].Length));
        return output;
    }

    private static float[] Release(CentredMaskSmoother smoother, int length)
    {
        var values = new float[length];
        smoother.Release(values);
        return values;
    }

    [Fact]
    public void EachUncertainPixelMovesTowardsTheMeanOfTheFramesAroundIt()
    {
        const int n = 37, frames = 9; // not a multiple of the vector width
        var random = new Random(5);
        var masks = Enumerable.Range(0, frames).Select(_ => Enumerable.Range(0, n).Select(_ => random.NextSingle()).ToArray()).ToArray();
        var output = Stream(masks, 2, 0.7f);
        Assert.Equal(frames, output.Count);
        for (var t = 0; t < frames; t++)
        {
            var (lo, hi) = (Math.Max(0, t - 2), Math.Min(frames - 1, t + 2));
            for (var i = 0; i < n; i++)
            {
                var mean = Enumerable.Range(lo, hi - lo + 1).Average(k => masks[k][i]);
                var p = masks[t][i];
                Assert.Equal((float)(p + (mean - p) * Uncertainty(p) * 0.7), output[t][i], 1e-5f);
            }
        }
    }

    [Fact]
    public void AnEdgeMovingAcrossAnUncertainBandStaysCentredWhereTheOneSidedRuleTrails()
    {
        // A ramp of uncertain values moving one pixel a frame: a centred window leaves the profile where it is, MediaPipe's
        // one-sided rule drags it back towards earlier frames (only the clamped corners of the ramp move under the mean).
        const int n = 64, frames = 20;
        float Ramp(int x, int t) => Math.Clamp(0.5f + (x - 20 - t) * 0.05f, 0.3f, 0.7f);
        var masks = Enumerable.Range(0, frames).Select(t => Enumerable.Range(0, n).Select(x => Ramp(x, t)).ToArray()).ToArray();
        var centred = Stream(masks, 2, 1f);
        var causal = new TemporalMaskSmoother(n, 1f);
        double centredError = 0, causalError = 0;
        for (var t = 4; t < frames - 4; t++)
        {
            var oneSided = (float[])masks[t].Clone();
            for (var k = 0; k <= t; k++)
            {
                var m = (float[])masks[k].Clone();
                if (k == 0) causal.Reset();
                causal.Smooth(m);
                if (k == t) oneSided = m;
            }
            for (var x = 0; x < n; x++)
            {
                centredError += Math.Abs(centred[t][x] - masks[t][x]);
                causalError += Math.Abs(oneSided[x] - masks[t][x]);
            }
        }
        Assert.True(centredError < 0.1 * causalError, $"centred window moved the edge by {centredError:F4}, the one-sided rule by {causalError:F4}");
    }

    [Fact]
    public void AFlipLastingOneFrameIsAveragedAway()
    {
        var masks = Enumerable.Range(0, 7).Select(t => new[] { t == 3 ? 0.45f : 0.55f }).ToArray();
        var output = Stream(masks, 2, 1f);
        Assert.True(output[3][0] > 0.5f, $"the one-frame dip still reads {output[3][0]}");
    }

    [Fact]
    public void RefusesToRunAheadOfItsWindowOrToReleaseNothing()
    {
        var smoother = new CentredMaskSmoother(4, 1, 0.7f);
        Assert.Throws<InvalidOperationException>(() => smoother.Release(new float[4]));
        smoother.Accept(new float[4]);
        smoother.Accept(new float[4]);
        Assert.True(smoother.Ready);
        Assert.Throws<InvalidOperationException>(() => smoother.Accept(new float[4]));
        Assert.Throws<SynthstageException>(() => new CentredMaskSmoother(4, 1, 1.5f));
    }
}
