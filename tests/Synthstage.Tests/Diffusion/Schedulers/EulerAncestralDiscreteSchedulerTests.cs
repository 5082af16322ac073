using Synthstage.Diffusion;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>
/// Reference numbers from diffusers' tests/schedulers/test_scheduler_euler_ancestral.py (diffusers 0.3x); the noise
/// comes from <c>torch.manual_seed(0)</c>, reproduced by <see cref="TorchGenerator"/>.
/// </summary>
public sealed class EulerAncestralDiscreteSchedulerTests
{
    private static SchedulerConfig TestConfig => DiffusersFixture.LinearBetas(1100);

    [Fact]
    public void FullLoop_TorchSeed0_MatchesDiffusers()
    {
        float[] result = EulerDiscreteSchedulerTests.FullLoopScaled(
            new EulerAncestralDiscreteScheduler(TestConfig), 10, new TorchGenerator(0));
        DiffusersFixture.AssertSumMean(result, 152.3192, 0.1983);
    }

    [Fact]
    public void FullLoop_VPrediction_TorchSeed0_MatchesDiffusers()
    {
        float[] result = EulerDiscreteSchedulerTests.FullLoopScaled(
            new EulerAncestralDiscreteScheduler(TestConfig with { PredictionType = "v_prediction" }), 10, new TorchGenerator(0));
        DiffusersFixture.AssertSumMean(result, 108.4439, 0.1412);
    }

    [Fact]
    public void FullLoop_WithNoise_TorchSeed0_MatchesDiffusers() =>
        DiffusersFixture.AssertSumMean(
            DdimSchedulerTests.FullLoopWithNoise(new EulerAncestralDiscreteScheduler(TestConfig), 10, 8, scaled: true, new TorchGenerator(0)),
            56163.0508, 73.1290);

    [Fact]
    public void SameSeed_IsDeterministic_DifferentSeed_Differs()
    {
        float[] a = EulerDiscreteSchedulerTests.FullLoopScaled(new EulerAncestralDiscreteScheduler(TestConfig), 10, new TorchGenerator(5));
        float[] b = EulerDiscreteSchedulerTests.FullLoopScaled(new EulerAncestralDiscreteScheduler(TestConfig), 10, new TorchGenerator(5));
        float[] c = EulerDiscreteSchedulerTests.FullLoopScaled(new EulerAncestralDiscreteScheduler(TestConfig), 10, new TorchGenerator(6));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Step_WithoutNoise_Throws()
    {
        var scheduler = new EulerAncestralDiscreteScheduler(TestConfig);
        scheduler.SetTimesteps(10);
        float[] x = DiffusersFixture.DummySampleDeter();
        Assert.Throws<ArgumentNullException>(() => scheduler.Step(x, scheduler.Timesteps[0], x, new float[x.Length]));
    }

    [Fact]
    public void SamplePrediction_IsRejected_ListingValidValues()
    {
        var e = Assert.Throws<SynthstageException>(() => new EulerAncestralDiscreteScheduler(TestConfig with { PredictionType = "sample" }));
        Assert.Contains("epsilon, v_prediction", e.Message);
    }
}
