using Synthstage.Diffusion;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>
/// Reference numbers from diffusers' tests/schedulers/test_scheduler_lcm.py (diffusers 0.3x); multi-step noise comes
/// from <c>torch.manual_seed(0)</c>, reproduced by <see cref="TorchGenerator"/>.
/// </summary>
public sealed class LcmSchedulerTests
{
    private static SchedulerConfig TestConfig => new()
    {
        NumTrainTimesteps = 1000,
        BetaStart = 0.00085,
        BetaEnd = 0.0120,
        BetaSchedule = "scaled_linear",
        PredictionType = "epsilon",
    };

    [Fact]
    public void FullLoop_OneStep_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new LcmScheduler(TestConfig), 1, new TorchGenerator(0)), 18.7097, 0.0244);

    /// <summary>
    /// diffusers' current test expects 197.7616 / 0.2575 (tests/schedulers/test_scheduler_lcm.py at af8a47dd); the first
    /// version of that test said 280.5618 / 0.3653, written against an earlier LCM timestep schedule.
    /// </summary>
    [Fact]
    public void FullLoop_TenSteps_TorchSeed0_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new LcmScheduler(TestConfig), 10, new TorchGenerator(0)), 197.7616, 0.2575);

    [Fact]
    public void Timesteps_FollowTheDistillationSchedule()
    {
        var scheduler = new LcmScheduler(TestConfig);
        scheduler.SetTimesteps(4);
        Assert.Equal([999f, 759f, 499f, 259f], scheduler.Timesteps);
        scheduler.SetTimesteps(1);
        Assert.Equal([999f], scheduler.Timesteps);
    }

    [Fact]
    public void DefaultsAreLcms()
    {
        // An empty config takes LCM's own defaults (scaled_linear 0.00085 → 0.012), so it matches the explicit one.
        float[] a = DdimSchedulerTests.FullLoop(new LcmScheduler(new SchedulerConfig()), 1);
        float[] b = DdimSchedulerTests.FullLoop(new LcmScheduler(TestConfig), 1);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Strength_CutsTheDistillationSchedule()
    {
        // strength 0.5 keeps the first 25 of [19, 39, …, 999]: 499 down to 19, then 4 evenly spaced entries.
        var scheduler = new LcmScheduler(TestConfig);
        scheduler.SetTimesteps(4, 0.5f);
        Assert.Equal([499f, 379f, 259f, 139f], scheduler.Timesteps);
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(4, 0.05f));
        Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(51));
    }
}
