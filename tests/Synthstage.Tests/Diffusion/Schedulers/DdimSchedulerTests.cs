using Synthstage.Diffusion;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Reference numbers from diffusers' tests/schedulers/test_scheduler_ddim.py (diffusers 0.3x).</summary>
public sealed class DdimSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1000) with { ClipSample = true };

    /// <summary>diffusers' unscaled loop: the model sees the sample as is and step gets the same sample.</summary>
    internal static float[] FullLoop(IDiffusionScheduler scheduler, int steps, INoiseSource? noise = null)
    {
        scheduler.SetTimesteps(steps);
        float[] sample = DiffusersFixture.DummySampleDeter();
        var residual = new float[sample.Length];
        foreach (float t in scheduler.Timesteps)
        {
            DiffusersFixture.DummyModel(sample, t, residual);
            scheduler.Step(residual, t, sample, sample, noise);
        }
        return sample;
    }

    [Fact]
    public void FullLoop_NoNoise_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(FullLoop(new DdimScheduler(TestConfig), 10), 172.0067, 0.223967);

    [Fact]
    public void FullLoop_VPrediction_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(FullLoop(new DdimScheduler(TestConfig with { PredictionType = "v_prediction" }), 10), 52.5302, 0.0684);

    [Fact]
    public void FullLoop_SetAlphaToOne_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(FullLoop(new DdimScheduler(TestConfig with { SetAlphaToOne = true, BetaStart = 0.01 }), 10), 149.8295, 0.1951);

    [Fact]
    public void FullLoop_NoSetAlphaToOne_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(FullLoop(new DdimScheduler(TestConfig with { SetAlphaToOne = false, BetaStart = 0.01 }), 10), 149.0784, 0.1941);

    /// <summary>
    /// diffusers' "full loop with noise": img2img from step 8 of 10 (AddNoise at the first remaining timestep), with
    /// <c>dummy_noise_deter</c> as the noise.
    /// </summary>
    internal static float[] FullLoopWithNoise(IDiffusionScheduler scheduler, int steps, int startStep, bool scaled = false, INoiseSource? generator = null)
    {
        scheduler.SetTimesteps(steps);
        float[] sample = DiffusersFixture.DummySampleDeter();
        if (scaled)
        {
            float sigma = scheduler.InitNoiseSigma;
            for (int i = 0; i < sample.Length; i++)
            {
                sample[i] *= sigma;
            }
        }
        float[] noise = DiffusersFixture.DummyNoiseDeter();
        float[] timesteps = scheduler.Timesteps.Skip(startStep * scheduler.Order).ToArray();
        scheduler.AddNoise(sample, noise, timesteps[0], sample);
        var residual = new float[sample.Length];
        foreach (float t in timesteps)
        {
            if (scaled)
            {
                scheduler.ScaleModelInput(sample, t, sample);
            }
            DiffusersFixture.DummyModel(sample, t, residual);
            scheduler.Step(residual, t, sample, sample, generator);
        }
        return sample;
    }

    [Fact]
    public void FullLoop_WithNoise_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(FullLoopWithNoise(new DdimScheduler(TestConfig), 10, 8), 354.5418, 0.4616);

    [Fact]
    public void StepsOffset1_FiveSteps_Timesteps()
    {
        var scheduler = new DdimScheduler(TestConfig with { StepsOffset = 1 });
        scheduler.SetTimesteps(5);
        Assert.Equal([801f, 601f, 401f, 201f, 1f], scheduler.Timesteps);
    }

    [Theory]
    [InlineData("trailing", new float[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    [InlineData("linspace", new float[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    public void TimestepSpacing_MatchesDiffusers(string spacing, float[] expected)
    {
        var scheduler = new DdimScheduler(TestConfig with { TimestepSpacing = spacing });
        scheduler.SetTimesteps(10);
        Assert.Equal(expected, scheduler.Timesteps);
    }

    [Fact]
    public void Eta_AddsSeededNoise_Deterministically()
    {
        float[] a = FullLoop(new DdimScheduler(TestConfig) { Eta = 1f }, 10, new TorchGenerator(0));
        float[] b = FullLoop(new DdimScheduler(TestConfig) { Eta = 1f }, 10, new TorchGenerator(0));
        float[] deterministic = FullLoop(new DdimScheduler(TestConfig), 10);
        Assert.Equal(a, b);
        Assert.NotEqual(a, deterministic);
    }

    [Fact]
    public void UnknownBetaSchedule_Throws_ListingValidValues()
    {
        var e = Assert.Throws<SynthstageException>(() => new DdimScheduler(TestConfig with { BetaSchedule = "quadratic" }));
        Assert.Contains("quadratic", e.Message);
        Assert.Contains("linear, scaled_linear, squaredcos_cap_v2", e.Message);
    }

    [Fact]
    public void CosineSchedule_IsAccepted()
    {
        float[] result = FullLoop(new DdimScheduler(TestConfig with { BetaSchedule = "squaredcos_cap_v2" }), 10);
        Assert.All(result, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void NonIntegerTimestep_Throws()
    {
        var scheduler = new DdimScheduler(TestConfig);
        scheduler.SetTimesteps(10);
        float[] x = DiffusersFixture.DummySampleDeter();
        Assert.Throws<ArgumentException>(() => scheduler.Step(x, 900.5f, x, new float[x.Length]));
    }
}
