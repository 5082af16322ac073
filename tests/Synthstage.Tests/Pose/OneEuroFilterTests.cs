using System.Numerics;
using Synthstage.Pose;

namespace Synthstage.Tests.Pose;

/// <summary>The One Euro filter against values worked out by hand from its formula (Casiez et al. 2012; MediaPipe's form).</summary>
public class OneEuroFilterTests
{
    private const double Frequency = 30;

    // α(1 Hz) at 30 Hz: τ = 1/(2π), Tₑ = 1/30, α = 1/(1 + 30/(2π)) = 0.1731707.
    private const double AlphaOneHertz = 0.17317072;

    [Fact]
    public void AlphaFollowsTheTimeConstant()
    {
        Assert.Equal(AlphaOneHertz, OneEuroFilter.Alpha(1, Frequency), 1e-7);
        // Cutoff equal to the sampling rate / 2π: τ = Tₑ, α = 1/2.
        Assert.Equal(0.5, OneEuroFilter.Alpha(Frequency / (2 * Math.PI), Frequency), 1e-12);
    }

    [Fact]
    public void FirstValuePassesThrough()
    {
        var filter = new OneEuroFilter(OneEuroSettings.AuxiliaryLandmarks);
        Assert.False(filter.HasValue);
        Assert.Equal(123.25, filter.Apply(123.25, Frequency, 0.01));
        Assert.True(filter.HasValue);
    }

    [Fact]
    public void StaticInputStaysPutAndAStepConvergesGeometrically()
    {
        var still = new OneEuroFilter(OneEuroSettings.PoseLandmarks);
        for (var i = 0; i < 20; i++) Assert.Equal(3.5, still.Apply(3.5, Frequency, 0.01), 1e-12);

        // β = 0: a plain low-pass at 1 Hz; after a step 0 → 1 the output is 1 − (1 − α)ⁿ after n samples at 1.
        var lowPass = new OneEuroFilter(new OneEuroSettings(1, 0, 1));
        lowPass.Apply(0, Frequency);
        var outputs = Enumerable.Range(1, 60).Select(_ => lowPass.Apply(1, Frequency)).ToArray();
        Assert.Equal(AlphaOneHertz, outputs[0], 1e-7);
        Assert.Equal(0.31635334, outputs[1], 1e-7);
        Assert.Equal(0.43474092, outputs[2], 1e-7);
        var alpha = OneEuroFilter.Alpha(1, Frequency);
        for (var n = 1; n <= outputs.Length; n++) Assert.Equal(1 - Math.Pow(1 - alpha, n), outputs[n - 1], 1e-12);
        Assert.True(outputs[^1] > 0.9999, $"after two seconds still at {outputs[^1]}");
    }

    [Fact]
    public void SpeedOpensTheFilterSoAStepPassesFasterWithLargerBeta()
    {
        // β = 1, step 0 → 1 at 30 Hz: dx = 1·30 = 30, edx = α(1 Hz)·30 = 5.195122 (the first dx was 0),
        // cutoff = 1 + 5.195122 = 6.195122 Hz, α = 1/(1 + 30/(2π·6.195122)) = 0.5647449.
        var beta1 = new OneEuroFilter(new OneEuroSettings(1, 1, 1));
        beta1.Apply(0, Frequency);
        Assert.Equal(0.5647449, beta1.Apply(1, Frequency), 1e-6);

        var slow = new OneEuroFilter(new OneEuroSettings(1, 0, 1));
        var fast = new OneEuroFilter(new OneEuroSettings(1, 10, 1));
        slow.Apply(0, Frequency);
        fast.Apply(0, Frequency);
        for (var i = 0; i < 5; i++)
        {
            var (s, f) = (slow.Apply(1, Frequency), fast.Apply(1, Frequency));
            Assert.True(f > s, $"sample {i}: β = 10 gave {f}, β = 0 gave {s}");
        }
    }

    [Fact]
    public void ValueScaleMeasuresSpeedInObjectSizes()
    {
        // MediaPipe's auxiliary-landmark settings, a 10 px step: on a 100 px object the speed is 10/100·30 = 3 sizes/s,
        // on a 1000 px object 0.3, so the small object's point follows much faster.
        var small = new OneEuroFilter(OneEuroSettings.AuxiliaryLandmarks);
        var large = new OneEuroFilter(OneEuroSettings.AuxiliaryLandmarks);
        small.Apply(0, Frequency, 1 / 100.0);
        large.Apply(0, Frequency, 1 / 1000.0);
        // edx = α(1 Hz)·3 = 0.519512, cutoff = 0.01 + 10·0.519512 = 5.205122 Hz, α = 0.5215673 → 5.215673.
        Assert.Equal(5.215673, small.Apply(10, Frequency, 1 / 100.0), 1e-5);
        // edx = 0.0519512, cutoff = 0.529512 Hz, α = 0.0998296 → 0.998296.
        Assert.Equal(0.998296, large.Apply(10, Frequency, 1 / 1000.0), 1e-5);
        Assert.Equal(7.484234, small.Apply(10, Frequency, 1 / 100.0), 1e-5);
    }

    [Fact]
    public void ResetForgetsValueAndSpeed()
    {
        var filter = new OneEuroFilter(OneEuroSettings.PoseLandmarks);
        filter.Apply(0, Frequency, 0.01);
        filter.Apply(0, Frequency, 0.01);
        filter.Apply(100, Frequency, 0.01);
        filter.Reset();
        Assert.False(filter.HasValue);
        Assert.Equal(7, filter.Apply(7, Frequency, 0.01));
        // No speed is carried over from before the reset: the same value again stays exactly where it is.
        Assert.Equal(7, filter.Apply(7, Frequency, 0.01), 1e-12);
    }

    [Fact]
    public void LowPassFilterWeighsTheNewValueByAlpha()
    {
        var filter = new LowPassFilter();
        Assert.Equal(1, filter.Apply(1, 0.1));
        Assert.Equal(0.9, filter.Apply(0, 0.1), 1e-12);
        Assert.Equal(0.81, filter.Apply(0, 0.1), 1e-12);
        Assert.Equal(0, filter.LastRaw);
        filter.Reset();
        Assert.Equal(0.5, filter.Apply(0.5, 0.1));
    }

    [Fact]
    public void InvalidSettingsAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneEuroFilter(new OneEuroSettings(0, 1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneEuroFilter(new OneEuroSettings(1, -1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OneEuroFilter(new OneEuroSettings(1, 1, double.NaN)));
    }

    [Fact]
    public void LandmarkSmootherFiltersEachCoordinateAndSkipsTinyObjects()
    {
        var smoother = new LandmarkSmoother(2, OneEuroSettings.AuxiliaryLandmarks);
        Span<Vector3> points = [new(0, 0, 0), new(50, 50, 50)];
        Assert.True(smoother.Apply(points, 100, Frequency));
        Assert.Equal(new Vector3(0, 0, 0), points[0]);
        points[0] = new Vector3(10, 0, 0);
        points[1] = new Vector3(50, 50, 50);
        Assert.True(smoother.Apply(points, 100, Frequency));
        Assert.Equal(5.215673f, points[0].X, 1e-4f);
        Assert.Equal(0f, points[0].Y);
        Assert.Equal(new Vector3(50, 50, 50), points[1]);

        // Object scale below 1e-6: points pass unchanged and the filters keep their state.
        points[0] = new Vector3(1000, 0, 0);
        Assert.False(smoother.Apply(points, 0, Frequency));
        Assert.Equal(1000f, points[0].X);
        points[0] = new Vector3(10, 0, 0);
        smoother.Apply(points, 100, Frequency);
        Assert.Equal(7.484234f, points[0].X, 1e-4f);

        smoother.Reset();
        points[0] = new Vector3(-3, 4, 5);
        smoother.Apply(points, 100, Frequency);
        Assert.Equal(new Vector3(-3, 4, 5), points[0]);
    }
}
