using Synthstage.Diffusion;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

/// <summary>Behaviour every scheduler shares: no per-step allocation, reset on SetTimesteps, img2img noising.</summary>
public sealed class SchedulerContractTests
{
    public static TheoryData<string> Names => new(SchedulerFactory.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Steps_AllocateNothingAfterTheFirst(string name)
    {
        IDiffusionScheduler scheduler = SchedulerFactory.Create(name, EulerDiscreteSchedulerTests.StableDiffusion15Config());
        var generator = new TorchGenerator(0);
        float[] latents = generator.Randn(1, 4, 64, 64);
        float[] modelInput = new float[latents.Length];
        float[] eps = new float[latents.Length];

        // A whole warm-up loop first: one-time costs (type loading, lazily sized buffers in later
        // multistep branches) must not count; the measured second loop is the steady state.
        scheduler.SetTimesteps(8);
        foreach (var t in scheduler.Timesteps)
        {
            scheduler.ScaleModelInput(latents, t, modelInput);
            DiffusersFixture.DummyModel(modelInput, t, eps);
            scheduler.Step(eps, t, latents, latents, generator);
        }
        // The steady loop is measured three times and the least counts: an allocation in Step recurs in every round,
        // while one-off work of the runtime on this thread lands in one round only (a full-suite run once counted
        // 7 KB for lcm that no run of the test alone repeats).
        var rounds = new long[3];
        var steps = 0;
        for (var round = 0; round < rounds.Length; round++)
        {
            generator.Randn(latents);
            scheduler.SetTimesteps(8);
            IReadOnlyList<float> timesteps = scheduler.Timesteps;
            steps = timesteps.Count - 1;
            scheduler.ScaleModelInput(latents, timesteps[0], modelInput);
            DiffusersFixture.DummyModel(modelInput, timesteps[0], eps);
            scheduler.Step(eps, timesteps[0], latents, latents, generator);

            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 1; i < timesteps.Count; i++)
            {
                float t = timesteps[i];
                scheduler.ScaleModelInput(latents, t, modelInput);
                DiffusersFixture.DummyModel(modelInput, t, eps);
                scheduler.Step(eps, t, latents, latents, generator);
            }
            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() < 1024, $"{name} allocated {string.Join(" / ", rounds)} bytes in three rounds of {steps} steps of 16384 floats");
        Assert.All(latents, v => Assert.True(float.IsFinite(v)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SetTimesteps_ResetsTheRun(string name)
    {
        IDiffusionScheduler scheduler = SchedulerFactory.Create(name, EulerDiscreteSchedulerTests.StableDiffusion15Config());
        float[] first = Run(scheduler);
        float[] second = Run(scheduler);
        Assert.Equal(first, second);

        static float[] Run(IDiffusionScheduler scheduler)
        {
            scheduler.SetTimesteps(6);
            float[] x = DiffusersFixture.DummySampleDeter();
            var eps = new float[x.Length];
            var generator = new TorchGenerator(1);
            foreach (float t in scheduler.Timesteps)
            {
                scheduler.ScaleModelInput(x, t, eps);
                DiffusersFixture.DummyModel(eps, t, eps);
                scheduler.Step(eps, t, x, x, generator);
            }
            return x;
        }
    }

    [Fact]
    public void Ddim_AddNoise_IsTheForwardProcess()
    {
        var scheduler = new DdimScheduler(EulerDiscreteSchedulerTests.StableDiffusion15Config());
        scheduler.SetTimesteps(10);
        float[] x0 = DiffusersFixture.DummySampleDeter();
        float[] noise = new TorchGenerator(0).Randn(x0.Length);
        var noisy = new float[x0.Length];
        scheduler.AddNoise(x0, noise, 501, noisy);

        // ᾱ at 501 from the same betas, in double: the result is √ᾱ·x₀ + √(1−ᾱ)·ε.
        double alphaBar = 1;
        for (int t = 0; t <= 501; t++)
        {
            double sqrtBeta = Math.Sqrt(0.00085) + (Math.Sqrt(0.012) - Math.Sqrt(0.00085)) * t / 999;
            alphaBar *= 1 - sqrtBeta * sqrtBeta;
        }
        for (int i = 0; i < x0.Length; i++)
        {
            double expected = Math.Sqrt(alphaBar) * x0[i] + Math.Sqrt(1 - alphaBar) * noise[i];
            Assert.Equal(expected, noisy[i], 1e-4);
        }
    }

    [Fact]
    public void Euler_Img2Img_BeginIndex_UsesThatSigma()
    {
        var scheduler = new EulerDiscreteScheduler(EulerDiscreteSchedulerTests.StableDiffusion15Config());
        scheduler.SetTimesteps(10);
        int start = 4;
        scheduler.SetBeginIndex(start);
        float[] x0 = DiffusersFixture.DummySampleDeter();
        float[] noise = new TorchGenerator(0).Randn(x0.Length);
        var noisy = new float[x0.Length];
        float t = scheduler.Timesteps[start];
        scheduler.AddNoise(x0, noise, t, noisy);
        float sigma = scheduler.Sigmas[start];
        for (int i = 0; i < x0.Length; i++)
        {
            Assert.Equal(x0[i] + noise[i] * sigma, noisy[i]);
        }

        // The loop then runs from the begin index.
        var eps = new float[x0.Length];
        SchedulerStepResult result = scheduler.Step(eps, t, noisy, noisy);
        Assert.Equal(start, result.StepIndex);
        Assert.Equal(x0.Length, result.PredOriginalSample.Length);
    }

    [Fact]
    public void TimestepNotInSchedule_Throws()
    {
        var scheduler = new EulerDiscreteScheduler(EulerDiscreteSchedulerTests.StableDiffusion15Config());
        scheduler.SetTimesteps(10);
        float[] x = DiffusersFixture.DummySampleDeter();
        Assert.Throws<ArgumentException>(() => scheduler.Step(x, 123.5f, x, new float[x.Length]));
    }

    [Fact]
    public void MismatchedLengths_Throw()
    {
        var scheduler = new DdimScheduler(new SchedulerConfig());
        scheduler.SetTimesteps(10);
        Assert.Throws<ArgumentException>(() => scheduler.Step(new float[4], scheduler.Timesteps[0], new float[5], new float[5]));
    }

    [Fact]
    public void ZeroSteps_Throws()
    {
        foreach (string name in SchedulerFactory.Names)
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SchedulerFactory.Create(name, new SchedulerConfig()).SetTimesteps(0));
        }
    }
}
