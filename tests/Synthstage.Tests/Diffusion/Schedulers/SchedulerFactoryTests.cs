using System.Text.Json.Nodes;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Tests.Diffusion.Schedulers;

public sealed class SchedulerFactoryTests
{
    // runwayml/stable-diffusion-v1-5 scheduler/scheduler_config.json.
    private const string StableDiffusion15Pndm = """
        {
          "_class_name": "PNDMScheduler",
          "_diffusers_version": "0.6.0",
          "beta_end": 0.012,
          "beta_schedule": "scaled_linear",
          "beta_start": 0.00085,
          "num_train_timesteps": 1000,
          "set_alpha_to_one": false,
          "skip_prk_steps": true,
          "steps_offset": 1,
          "trained_betas": null,
          "clip_sample": false
        }
        """;

    [Fact]
    public void FromDiffusersConfig_StableDiffusion15_BuildsPndm()
    {
        IDiffusionScheduler scheduler = SchedulerFactory.FromDiffusersConfig(StableDiffusion15Pndm);
        var pndm = Assert.IsType<PndmScheduler>(scheduler);
        Assert.Equal("PNDMScheduler", pndm.Config.ClassName);
        Assert.Equal(0.00085, pndm.Config.BetaStart);
        Assert.Equal("scaled_linear", pndm.Config.BetaSchedule);
        Assert.Equal(1, pndm.Config.StepsOffset);
        Assert.True(pndm.Config.SkipPrkSteps);
        Assert.False(pndm.Config.SetAlphaToOne);
        Assert.Null(pndm.Config.TrainedBetas);

        pndm.SetTimesteps(10);
        Assert.Equal([901f, 801f, 801f, 701f, 601f, 501f, 401f, 301f, 201f, 101f, 1f], pndm.Timesteps);
    }

    [Fact]
    public void Config_RoundTripsThroughJson()
    {
        SchedulerConfig config = SchedulerConfig.FromJson(StableDiffusion15Pndm);
        string written = config.ToJson();
        SchedulerConfig reread = SchedulerConfig.FromJson(written);

        // Same keys and values as the original file (null trained_betas is simply omitted).
        var original = JsonNode.Parse(StableDiffusion15Pndm)!.AsObject();
        var roundTripped = JsonNode.Parse(written)!.AsObject();
        foreach (var (key, value) in original)
        {
            if (value is null)
            {
                Assert.False(roundTripped.ContainsKey(key) && roundTripped[key] is not null, key);
                continue;
            }
            Assert.True(JsonNode.DeepEquals(value, roundTripped[key]), $"{key}: {value} became {roundTripped[key]}");
        }
        Assert.Equal(config with { ExtensionData = null }, reread with { ExtensionData = null });
    }

    [Fact]
    public void UnknownKeys_ArePreserved()
    {
        SchedulerConfig config = SchedulerConfig.FromJson("""{"_class_name":"EulerDiscreteScheduler","sigma_min":null,"timestep_type":"discrete"}""");
        Assert.NotNull(config.ExtensionData);
        Assert.Contains("timestep_type", config.ToJson());
        Assert.IsType<EulerDiscreteScheduler>(SchedulerFactory.FromConfig(config));
    }

    [Theory]
    [InlineData("ddim", typeof(DdimScheduler))]
    [InlineData("pndm", typeof(PndmScheduler))]
    [InlineData("lms", typeof(LmsDiscreteScheduler))]
    [InlineData("euler", typeof(EulerDiscreteScheduler))]
    [InlineData("euler-a", typeof(EulerAncestralDiscreteScheduler))]
    [InlineData("dpm++2m", typeof(DpmSolverMultistepScheduler))]
    [InlineData("dpm++2m-karras", typeof(DpmSolverMultistepScheduler))]
    [InlineData("lcm", typeof(LcmScheduler))]
    public void Create_ByName_FromModelConfig(string name, Type expected)
    {
        SchedulerConfig modelConfig = SchedulerConfig.FromJson(StableDiffusion15Pndm);
        IDiffusionScheduler scheduler = SchedulerFactory.Create(name, modelConfig);
        Assert.IsType(expected, scheduler);
        scheduler.SetTimesteps(4);
        Assert.NotEmpty(scheduler.Timesteps);
        Assert.True(scheduler.InitNoiseSigma >= 1f);
    }

    [Fact]
    public void Create_DpmKarras_UsesKarrasSigmas()
    {
        var scheduler = (DpmSolverMultistepScheduler)SchedulerFactory.Create("dpm++2m-karras", SchedulerConfig.FromJson(StableDiffusion15Pndm));
        Assert.True(scheduler.Config.UseKarrasSigmas);
    }

    [Fact]
    public void Create_PerClassDefaults_ApplyToAbsentKeys()
    {
        // The SD 1.5 file has no timestep_spacing: Euler takes its own default (linspace), DDIM its own (leading).
        SchedulerConfig modelConfig = SchedulerConfig.FromJson(StableDiffusion15Pndm);
        IDiffusionScheduler euler = SchedulerFactory.Create("euler", modelConfig);
        IDiffusionScheduler ddim = SchedulerFactory.Create("ddim", modelConfig);
        euler.SetTimesteps(10);
        ddim.SetTimesteps(10);
        Assert.Equal(999f, euler.Timesteps[0]);
        Assert.Equal(901f, ddim.Timesteps[0]);
    }

    [Fact]
    public void UnknownName_Throws_ListingValidNames()
    {
        var e = Assert.Throws<SynthstageException>(() => SchedulerFactory.Create("heun", new SchedulerConfig()));
        Assert.Contains("'heun'", e.Message);
        Assert.Contains("ddim, pndm, lms, euler, euler-a, dpm++2m, dpm++2m-karras, lcm", e.Message);
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void UnknownClassName_Throws_ListingSupportedClasses()
    {
        var e = Assert.Throws<SynthstageException>(() => SchedulerFactory.FromDiffusersConfig("""{"_class_name":"UniPCMultistepScheduler"}"""));
        Assert.Contains("UniPCMultistepScheduler", e.Message);
        Assert.Contains("EulerDiscreteScheduler", e.Message);
    }

    [Fact]
    public void UnknownBetaSchedule_Throws_ListingValidValues()
    {
        var e = Assert.Throws<SynthstageException>(() =>
            SchedulerFactory.FromDiffusersConfig("""{"_class_name":"EulerDiscreteScheduler","beta_schedule":"sigmoid"}"""));
        Assert.Contains("beta_schedule 'sigmoid'", e.Message);
        Assert.Contains("linear, scaled_linear, squaredcos_cap_v2", e.Message);
    }

    [Fact]
    public void InvalidJson_Throws()
    {
        Assert.Throws<SynthstageException>(() => SchedulerFactory.FromDiffusersConfig("{not json"));
        Assert.Throws<SynthstageException>(() => SchedulerFactory.FromDiffusersConfig("{}"));
    }

    [Theory]
    [InlineData("""{"_class_name":"DPMSolverMultistepScheduler","use_lu_lambdas":true}""", "use_lu_lambdas")]
    [InlineData("""{"_class_name":"EulerDiscreteScheduler","timestep_type":"continuous"}""", "timestep_type")]
    [InlineData("""{"_class_name":"DDIMScheduler","thresholding":true}""", "thresholding")]
    public void UnsupportedOptions_AreRejectedNotIgnored(string json, string key)
    {
        var e = Assert.Throws<SynthstageException>(() => SchedulerFactory.FromDiffusersConfig(json));
        Assert.Contains(key, e.Message);
    }
}
