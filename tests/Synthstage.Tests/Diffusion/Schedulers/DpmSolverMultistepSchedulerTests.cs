using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Reference numbers from diffusers' tests/schedulers/test_scheduler_dpm_multi.py (diffusers 0.3x).</summary>
public sealed class DpmSolverMultistepSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1000) with
    {
        SolverOrder = 2,
        PredictionType = "epsilon",
        Thresholding = false,
        AlgorithmType = "dpmsolver++",
        SolverType = "midpoint",
        LowerOrderFinal = false,
        EulerAtFinal = false,
        FinalSigmasType = "sigma_min",
    };

    [Fact]
    public void FullLoop_NoNoise_MatchesDiffusers() =>
        DiffusersFixture.AssertMean(DdimSchedulerTests.FullLoop(new DpmSolverMultistepScheduler(TestConfig), 10), 0.3301);

    [Fact]
    public void FullLoop_VPrediction_MatchesDiffusers() =>
        DiffusersFixture.AssertMean(DdimSchedulerTests.FullLoop(new DpmSolverMultistepScheduler(TestConfig with { PredictionType = "v_prediction" }), 10), 0.2251);

    [Fact]
    public void FullLoop_KarrasAndVPrediction_MatchesDiffusers() =>
        DiffusersFixture.AssertMean(
            DdimSchedulerTests.FullLoop(new DpmSolverMultistepScheduler(TestConfig with { PredictionType = "v_prediction", UseKarrasSigmas = true }), 10),
            0.2096);

    [Fact]
    public void FullLoop_WithNoise_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoopWithNoise(new DpmSolverMultistepScheduler(TestConfig), 10, 5), 318.4111, 0.4146);

    [Fact]
    public void LinspaceTimesteps_TenSteps()
    {
        var scheduler = new DpmSolverMultistepScheduler(TestConfig);
        scheduler.SetTimesteps(10);
        // np.linspace(0, 999, 11).round()[::-1][:-1]; 499.5 rounds half to even.
        Assert.Equal([999f, 899f, 799f, 699f, 599f, 500f, 400f, 300f, 200f, 100f], scheduler.Timesteps);
        Assert.Equal(11, scheduler.Sigmas.Count);
    }

    [Fact]
    public void KarrasSigmas_AreMonotoneAndEndAtSigmaMin()
    {
        var scheduler = new DpmSolverMultistepScheduler(
            EulerDiscreteSchedulerTests.StableDiffusion15Config() with { UseKarrasSigmas = true, FinalSigmasType = "sigma_min" });
        scheduler.SetTimesteps(20);
        IReadOnlyList<float> sigmas = scheduler.Sigmas;
        for (int i = 0; i + 2 < sigmas.Count; i++)
        {
            Assert.True(sigmas[i] > sigmas[i + 1]);
        }
        Assert.Equal(14.6146f, sigmas[0], 1e-3f);
        Assert.Equal(0.0292f, sigmas[^2], 1e-4f);
        Assert.Equal(sigmas[^2], sigmas[^1]);
        Assert.Equal(999f, scheduler.Timesteps[0]);
        Assert.Equal(0f, scheduler.Timesteps[^1]);
    }

    [Fact]
    public void ThirdOrder_IsRejected()
    {
        var e = Assert.Throws<SynthstageException>(() => new DpmSolverMultistepScheduler(TestConfig with { SolverOrder = 3 }));
        Assert.Contains("valid values: 1, 2", e.Message);
    }
}
