using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Reference numbers from diffusers' tests/schedulers/test_scheduler_pndm.py (diffusers 0.3x).</summary>
public sealed class PndmSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1000);

    [Fact]
    public void FullLoop_PrkThenPlms_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new PndmScheduler(TestConfig), 10), 198.1318, 0.2580);

    [Fact]
    public void FullLoop_VPrediction_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new PndmScheduler(TestConfig with { PredictionType = "v_prediction" }), 10), 67.3986, 0.0878);

    [Fact]
    public void FullLoop_SetAlphaToOne_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new PndmScheduler(TestConfig with { SetAlphaToOne = true, BetaStart = 0.01 }), 10), 230.0399, 0.2995);

    [Fact]
    public void FullLoop_NoSetAlphaToOne_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(DdimSchedulerTests.FullLoop(new PndmScheduler(TestConfig with { SetAlphaToOne = false, BetaStart = 0.01 }), 10), 186.9482, 0.2434);

    [Fact]
    public void StepsOffset1_TenSteps_PrkAndPlmsTimesteps()
    {
        var scheduler = new PndmScheduler(TestConfig with { StepsOffset = 1 });
        scheduler.SetTimesteps(10);
        float[] expected = [901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1];
        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Equal(12, scheduler.PrkTimesteps.Count);
    }

    [Fact]
    public void SkipPrkSteps_RepeatsTheSecondStep()
    {
        var scheduler = new PndmScheduler(TestConfig with { SkipPrkSteps = true, StepsOffset = 1 });
        scheduler.SetTimesteps(10);
        float[] expected = [901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1];
        Assert.Equal(expected, scheduler.Timesteps);
        float[] result = DdimSchedulerTests.FullLoop(scheduler, 10);
        Assert.All(result, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void FewerThanFourStepsWithPrk_Throws()
    {
        var scheduler = new PndmScheduler(TestConfig);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => scheduler.SetTimesteps(3));
        Assert.Contains("must be >= 4", e.Message);
        new PndmScheduler(TestConfig with { SkipPrkSteps = true }).SetTimesteps(1);
    }
}
