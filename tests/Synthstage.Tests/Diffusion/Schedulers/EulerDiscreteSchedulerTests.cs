using Synthstage.Diffusion;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Reference numbers from diffusers' tests/schedulers/test_scheduler_euler.py (diffusers 0.3x).</summary>
public sealed class EulerDiscreteSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1100);

    /// <summary>diffusers' k-diffusion test loop: sample × init_noise_sigma, the scaled sample is passed to step.</summary>
    internal static float[] FullLoopScaled(IDiffusionScheduler scheduler, int steps, INoiseSource? noise = null) =>
        FullLoopScaledSteps(scheduler, steps, noise)[^1];

    /// <summary><see cref="FullLoopScaled"/>, returning a copy of the sample after every step.</summary>
    internal static List<float[]> FullLoopScaledSteps(IDiffusionScheduler scheduler, int steps, INoiseSource? noise = null)
    {
        var samples = new List<float[]>();
        scheduler.SetTimesteps(steps);
        float[] sample = DiffusersFixture.DummySampleDeter();
        float sigma = scheduler.InitNoiseSigma;
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] *= sigma;
        }
        var output = new float[sample.Length];
        foreach (float t in scheduler.Timesteps)
        {
            scheduler.ScaleModelInput(sample, t, sample);
            DiffusersFixture.DummyModel(sample, t, output);
            scheduler.Step(output, t, sample, sample, noise);
            samples.Add((float[])sample.Clone());
        }
        return samples;
    }

    [Fact]
    public void FullLoop_NoNoise_MatchesDiffusers()
    {
        float[] result = FullLoopScaled(new EulerDiscreteScheduler(TestConfig), 10);
        DiffusersFixture.AssertSumMean(result, 10.0807, 0.0131);
    }

    [Fact]
    public void FullLoop_VPrediction_MatchesDiffusers()
    {
        // diffusers' sum 0.0002 (± 1e-2) is float32 noise around an exact 0 that an all-zero sample passes too; every
        // step is compared element by element with the loop written again in double (KDiffusionReference).
        List<float[]> steps = FullLoopScaledSteps(new EulerDiscreteScheduler(TestConfig with { PredictionType = "v_prediction" }), 10);
        KDiffusionReference.AssertSteps(KDiffusionReference.VPredictionLoop(1100, 10, multistep: false), steps, 1e-4);
        DiffusersFixture.AssertSumMean(steps[^1], 0.0002, 2.2676e-06);
    }

    [Fact]
    public void FullLoop_KarrasSigmas_MatchesDiffusers()
    {
        float[] result = FullLoopScaled(new EulerDiscreteScheduler(TestConfig with { UseKarrasSigmas = true }), 10);
        DiffusersFixture.AssertSumMean(result, 124.52299499511719, 0.16213932633399963);
    }

    [Fact]
    public void StableDiffusion15Config_LeadingOffset1_Timesteps()
    {
        var scheduler = new EulerDiscreteScheduler(StableDiffusion15Config());
        scheduler.SetTimesteps(10);
        float[] expected = [901, 801, 701, 601, 501, 401, 301, 201, 101, 1];
        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Equal(11, scheduler.Sigmas.Count);
        Assert.Equal(0f, scheduler.Sigmas[^1]);
        // Element-wise against σₜ = √((1 − ᾱₜ)/ᾱₜ) computed independently in double from the same betas.
        for (int i = 0; i < expected.Length; i++)
        {
            double reference = ReferenceSigma((int)expected[i]);
            Assert.True(Math.Abs(scheduler.Sigmas[i] - reference) <= 1e-5 * Math.Max(1, reference),
                $"sigma[{i}] at t={expected[i]}: {scheduler.Sigmas[i]} vs {reference}");
        }
        // Sigmas descend and interpolate the training table exactly at integer timesteps.
        for (int i = 0; i + 1 < scheduler.Sigmas.Count; i++)
        {
            Assert.True(scheduler.Sigmas[i] > scheduler.Sigmas[i + 1]);
        }
        // Leading spacing: init_noise_sigma = √(σmax² + 1).
        float sigmaMax = scheduler.Sigmas[0];
        Assert.Equal(MathF.Sqrt(sigmaMax * sigmaMax + 1f), scheduler.InitNoiseSigma, 1e-5f);
    }

    [Fact]
    public void StableDiffusion15Config_SigmaRange_IsKDiffusions()
    {
        // k-diffusion's well-known SD 1.x range: σmin = 0.0292, σmax = 14.6146 (t = 0 and t = 999).
        var scheduler = new EulerDiscreteScheduler(StableDiffusion15Config() with { TimestepSpacing = "linspace" });
        scheduler.SetTimesteps(10);
        Assert.Equal(999f, scheduler.Timesteps[0]);
        Assert.Equal(0f, scheduler.Timesteps[^1]);
        Assert.Equal(14.6146f, scheduler.Sigmas[0], 1e-3f);
        Assert.Equal(0.0292f, scheduler.Sigmas[^2], 1e-4f);
        Assert.Equal(14.6146f, scheduler.InitNoiseSigma, 1e-3f);
    }

    [Theory]
    [InlineData("trailing", new float[] { 999, 899, 799, 699, 599, 499, 399, 299, 199, 99 })]
    [InlineData("linspace", new float[] { 999, 888, 777, 666, 555, 444, 333, 222, 111, 0 })]
    [InlineData("leading", new float[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 })]
    public void TimestepSpacing_MatchesDiffusers(string spacing, float[] expected)
    {
        var scheduler = new EulerDiscreteScheduler(new SchedulerConfig { TimestepSpacing = spacing });
        scheduler.SetTimesteps(10);
        Assert.Equal(expected, scheduler.Timesteps);
    }

    [Fact]
    public void KarrasSigmas_AreMonotoneAndEndAtSigmaMin()
    {
        var config = StableDiffusion15Config() with { UseKarrasSigmas = true, TimestepSpacing = "linspace" };
        var scheduler = new EulerDiscreteScheduler(config);
        scheduler.SetTimesteps(25);
        IReadOnlyList<float> sigmas = scheduler.Sigmas;
        Assert.Equal(26, sigmas.Count);
        for (int i = 0; i + 2 < sigmas.Count; i++)
        {
            Assert.True(sigmas[i] > sigmas[i + 1], $"sigma[{i}] = {sigmas[i]} is not above sigma[{i + 1}] = {sigmas[i + 1]}");
        }
        Assert.Equal(14.6146f, sigmas[0], 1e-3f);
        Assert.Equal(0.0292f, sigmas[^2], 1e-4f);
        Assert.Equal(0f, sigmas[^1]);
        // Timesteps follow the sigmas and descend from 999 to 0.
        Assert.Equal(999f, scheduler.Timesteps[0], 1e-3f);
        Assert.Equal(0f, scheduler.Timesteps[^1], 1e-3f);
    }

    [Fact]
    public void InPlaceAndSeparateBuffers_GiveTheSameResult()
    {
        var a = new EulerDiscreteScheduler(TestConfig);
        var b = new EulerDiscreteScheduler(TestConfig);
        a.SetTimesteps(5);
        b.SetTimesteps(5);
        float[] x = DiffusersFixture.DummySampleDeter();
        float[] y = DiffusersFixture.DummySampleDeter();
        float[] eps = new float[x.Length];
        float[] next = new float[x.Length];
        foreach (float t in a.Timesteps)
        {
            DiffusersFixture.DummyModel(x, t, eps);
            a.Step(eps, t, x, x);
            b.Step(eps, t, y, next);
            next.CopyTo(y, 0);
        }
        Assert.Equal(x, y);
    }

    // SD 1.x: betas linear in √β from √0.00085 to √0.012 over 1000 steps.
    private static double ReferenceSigma(int t)
    {
        double alphaBar = 1;
        for (int s = 0; s <= t; s++)
        {
            double sqrtBeta = Math.Sqrt(0.00085) + (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * s / 999;
            alphaBar *= 1 - sqrtBeta * sqrtBeta;
        }
        return Math.Sqrt((1 - alphaBar) / alphaBar);
    }

    internal static SchedulerConfig StableDiffusion15Config() => new()
    {
        NumTrainTimesteps = 1000,
        BetaStart = 0.00085,
        BetaEnd = 0.012,
        BetaSchedule = "scaled_linear",
        StepsOffset = 1,
        TimestepSpacing = "leading",
    };
}
