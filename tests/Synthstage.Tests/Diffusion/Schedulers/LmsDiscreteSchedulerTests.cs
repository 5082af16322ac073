using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Reference numbers from diffusers' tests/schedulers/test_scheduler_lms.py (diffusers 0.3x).</summary>
public sealed class LmsDiscreteSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1100);

    [Fact]
    public void FullLoop_NoNoise_MatchesDiffusers()
    {
        float[] result = EulerDiscreteSchedulerTests.FullLoopScaled(new LmsDiscreteScheduler(TestConfig), 10);
        DiffusersFixture.AssertSumMean(result, 1006.388, 1.31);
    }

    [Fact]
    public void FullLoop_VPrediction_MatchesDiffusers()
    {
        // diffusers' sum 0.0017 (± 1e-2) is float32 noise around an exact 0; every step is compared element by element
        // with the linear multistep loop written again in double (KDiffusionReference).
        List<float[]> steps = EulerDiscreteSchedulerTests.FullLoopScaledSteps(new LmsDiscreteScheduler(TestConfig with { PredictionType = "v_prediction" }), 10);
        KDiffusionReference.AssertSteps(KDiffusionReference.VPredictionLoop(1100, 10, multistep: true), steps, 1e-4);
        DiffusersFixture.AssertSumMean(steps[^1], 0.0017, 2.2676e-06);
    }

    [Fact]
    public void FullLoop_KarrasSigmas_MatchesDiffusers()
    {
        float[] result = EulerDiscreteSchedulerTests.FullLoopScaled(new LmsDiscreteScheduler(TestConfig with { UseKarrasSigmas = true }), 10);
        DiffusersFixture.AssertSumMean(result, 3812.9927, 4.9648);
    }
}
