using Microsoft.ML.OnnxRuntime;
using SkiaSharp;
using Synthstage.Diffusion;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Forge;
using Synthstage.Imaging;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Tests.Forge;

namespace Synthstage.Tests.Diffusion.Pipelines;

/// <summary>
/// Few-step sampling on forged tiny models with real sessions: an LCM UNet fed the guidance-scale embedding as
/// <c>timestep_cond</c> (against diffusers' LCM loop written again here), SD-Turbo's trailing timesteps and guidance 0,
/// and the latent previews.
/// </summary>
public sealed class FewStepTests(ForgedFolders folders) : IClassFixture<ForgedFolders>
{
    private const int Width = 64, Height = 48;

    private string Lcm() => folders.Get("lcm", o => o with { Variant = ForgeVariant.Lcm });

    private string Turbo() => folders.Get("turbo", o => o with { Variant = ForgeVariant.Turbo });

    // diffusers' get_guidance_scale_embedding run once with torch 1.13 (float32):
    // w = torch.tensor(g − 1) · 1000, h = dim // 2, f = exp(arange(h) · −ln(10000)/(h − 1)), cat(sin(w f), cos(w f)), pad odd dims.
    private static readonly (int Index, float Value)[] TorchGuidance85Dim256 =
    [
        (0, -0.8512359261512756f), (1, 0.8421311974525452f), (2, 0.011876258999109268f), (64, -0.07243754714727402f),
        (127, 0.6816387176513672f), (128, -0.5247832536697388f), (129, 0.5392727255821228f), (200, -0.9390370845794678f),
        (255, 0.731688916683197f),
    ];

    private static readonly float[] TorchGuidance2Dim7 =
        [0.8268795609474182f, -0.5440211296081543f, 0.0998334065079689f, 0.5623790621757507f, -0.83907151222229f, 0.9950041770935059f, 0f];

    [Fact]
    public void GuidanceEmbeddingMatchesTorchAndTheFormula()
    {
        var embedding = new float[256];
        GuidanceScaleEmbedding.Compute(8.5f, embedding);
        foreach (var (i, value) in TorchGuidance85Dim256)
            Assert.True(Math.Abs(embedding[i] - value) <= 2e-4f, $"[{i}] torch {value:R}, ours {embedding[i]:R}");
        // The formula in doubles: the float32 argument w·f (up to 7500) carries ~1e-3 of rounding, hence the tolerance.
        for (var i = 0; i < 128; i++)
        {
            var argument = 7500.0 * Math.Exp(-i * Math.Log(10000.0) / 127);
            Assert.True(Math.Abs(embedding[i] - Math.Sin(argument)) <= 2e-3, $"sin [{i}]");
            Assert.True(Math.Abs(embedding[128 + i] - Math.Cos(argument)) <= 2e-3, $"cos [{i}]");
        }

        var odd = new float[7];
        GuidanceScaleEmbedding.Compute(2f, odd);
        for (var i = 0; i < 7; i++) Assert.True(Math.Abs(odd[i] - TorchGuidance2Dim7[i]) <= 1e-5f, $"odd [{i}]: torch {TorchGuidance2Dim7[i]:R}, ours {odd[i]:R}");
        Assert.Equal(0f, odd[6]);
    }

    [Fact]
    public void LcmModelDeclaresTimestepCondAndRunsDiffusersLcmLoop()
    {
        var folder = Lcm();
        using var model = StableDiffusionModel.Load(folder, TinyDiffusionModels.Spec);
        Assert.Equal(256, model.UNet.TimeCondProjDim);
        Assert.Equal("LCMScheduler", model.SchedulerConfig.ClassName);
        Assert.Same(RecommendedSettings.Lcm, RecommendedSettings.For(model));

        var options = new StableDiffusionOptions { Prompt = "a photo of a cat", NegativePrompt = "blurry", Steps = 4, GuidanceScale = 8.5f, Width = Width, Height = Height, Seed = 7 };
        var steps = new List<(float Timestep, float[] Latents)>();
        using var pipeline = new StableDiffusionPipeline(model);
        var image = pipeline.Generate(options with { OnStepEnd = s => steps.Add((s.Timestep, s.Latents.ToArray())) }, null, TestContext.Current.CancellationToken).Single().Image;

        var expected = ReferenceLcmLoop(folder, model, options);
        Assert.Equal(expected.Select(s => s.Timestep), steps.Select(s => s.Timestep));
        for (var s = 0; s < expected.Count; s++)
            for (var i = 0; i < expected[s].Latents.Length; i++)
                Assert.True(Math.Abs(expected[s].Latents[i] - steps[s].Latents[i]) <= 1e-4f * Math.Max(1f, MathF.Abs(expected[s].Latents[i])),
                    $"step {s + 1}, latent {i}: reference {expected[s].Latents[i]:R}, pipeline {steps[s].Latents[i]:R}");
        Assert.True(image.Pixels.Distinct().Count() > 16);

        // No unconditional batch: the negative prompt changes nothing, while the guidance scale (through timestep_cond) does.
        var otherNegative = pipeline.Generate(options with { NegativePrompt = "sharp, vivid" }, null, TestContext.Current.CancellationToken).Single().Image;
        Assert.Equal(image.Pixels, otherNegative.Pixels);
        var otherGuidance = pipeline.Generate(options with { GuidanceScale = 2f }, null, TestContext.Current.CancellationToken).Single().Image;
        Assert.NotEqual(image.Pixels, otherGuidance.Pixels);
    }

    // diffusers' LatentConsistencyModelPipeline: batch 1, w_embedding of (g − 1) as timestep_cond (computed here from the
    // formula in doubles), latents = randn · init_noise_sigma, scheduler.step(model_pred, t, latents, generator).
    private static List<(float Timestep, float[] Latents)> ReferenceLcmLoop(string folder, StableDiffusionModel model, StableDiffusionOptions options)
    {
        using var textEncoder = OrtRun.Load(folder, "text_encoder");
        using var unet = OrtRun.Load(folder, "unet");
        int h = options.Height / 8, w = options.Width / 8;
        var ids = model.Tokenizer.Encode(options.Prompt).Ids;
        var text = OrtRun.Run(textEncoder, new Dictionary<string, OrtValue> { ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]) })["last_hidden_state"].Data;
        var condition = new float[256];
        var wScaled = (options.GuidanceScale - 1.0) * 1000.0;
        for (var i = 0; i < 128; i++)
        {
            var argument = wScaled * Math.Exp(-i * Math.Log(10000.0) / 127);
            (condition[i], condition[128 + i]) = ((float)Math.Sin(argument), (float)Math.Cos(argument));
        }
        var scheduler = SchedulerFactory.FromConfig(model.SchedulerConfig);
        scheduler.SetTimesteps(options.Steps);
        var generator = new TorchGenerator(options.Seed);
        var latents = generator.Randn(1, 4, h, w).Select(v => v * scheduler.InitNoiseSigma).ToArray();
        var input = new float[latents.Length];
        var steps = new List<(float, float[])>();
        foreach (var t in scheduler.Timesteps)
        {
            scheduler.ScaleModelInput(latents, t, input);
            var eps = OrtRun.Run(unet, new Dictionary<string, OrtValue>
            {
                ["sample"] = OrtValue.CreateTensorValueFromMemory((float[])input.Clone(), [1, 4, h, w]),
                ["timestep"] = OrtValue.CreateTensorValueFromMemory(new[] { (long)t }, [1]),
                ["encoder_hidden_states"] = OrtValue.CreateTensorValueFromMemory(text, [1, 77, text.Length / 77]),
                ["timestep_cond"] = OrtValue.CreateTensorValueFromMemory(condition, [1, 256]),
            })["out_sample"].Data;
            scheduler.Step(eps, t, latents, latents, generator);
            steps.Add((t, (float[])latents.Clone()));
        }
        return steps;
    }

    [Theory]
    [InlineData("euler", 1, new[] { 999f })]
    [InlineData("euler", 4, new[] { 999f, 749f, 499f, 249f })]
    [InlineData("euler-a", 2, new[] { 999f, 499f })]
    [InlineData("euler-a", 4, new[] { 999f, 749f, 499f, 249f })]
    public void TurboConfigTakesDiffusersTrailingTimesteps(string name, int steps, float[] expected)
    {
        using var model = StableDiffusionModel.Load(Turbo(), TinyDiffusionModels.Spec);
        var scheduler = SchedulerFactory.Create(name, model.SchedulerConfig);
        scheduler.SetTimesteps(steps);
        // diffusers' trailing: round(arange(1000, 0, −1000/n)) − 1.
        Assert.Equal(expected, scheduler.Timesteps);
        Assert.Equal(expected, Enumerable.Range(0, steps).Select(i => (float)(Math.Round(1000 - i * 1000.0 / steps) - 1)));
    }

    [Fact]
    public void TurboAtGuidanceZeroRunsOneRowAndIgnoresTheNegativePrompt()
    {
        using var model = StableDiffusionModel.Load(Turbo(), TinyDiffusionModels.Spec);
        Assert.Same(RecommendedSettings.Turbo, RecommendedSettings.ForName("sd-turbo"));
        var options = new StableDiffusionOptions { Prompt = "a beach", NegativePrompt = "blurry", Steps = 1, GuidanceScale = 0f, Width = Width, Height = Height, Seed = 3 };
        using var pipeline = new StableDiffusionPipeline(model);
        Assert.False(pipeline.UsesUnconditionalBatch(0f));
        var reports = new List<PipelineProgress>();
        var steps = new List<float>();
        var a = pipeline.Generate(options with { OnStepEnd = s => steps.Add(s.Timestep) }, new SyncProgress(reports), TestContext.Current.CancellationToken).Single().Image;
        Assert.Equal([999f], steps);
        // One prompt encoded (no negative) and a batch of one latent per UNet call.
        Assert.Contains(reports, r => r.Stage == "encode" && r.Total == 1);
        var b = pipeline.Generate(options with { NegativePrompt = "anything else" }, null, TestContext.Current.CancellationToken).Single().Image;
        Assert.Equal(a.Pixels, b.Pixels);
        Assert.NotEqual(a.Pixels, pipeline.Generate(options with { GuidanceScale = 7.5f }, null, TestContext.Current.CancellationToken).Single().Image.Pixels);
    }

    [Theory]
    [InlineData("sd-turbo", "turbo")]
    [InlineData("onnxruntime/sd-turbo", "turbo")]
    [InlineData("/cache/hub/models--onnxruntime--sd-turbo/snapshots/0123abcd", "turbo")]
    [InlineData("lcm-dreamshaper-v7", "lcm")]
    [InlineData("SimianLuo/LCM_Dreamshaper_v7", "lcm")]
    [InlineData("sd15-onnx", "sd")]
    [InlineData("/home/turbo/models/sd15", "sd")]
    public void RecommendationsFollowTheModelName(string reference, string expected)
    {
        var settings = RecommendedSettings.ForName(reference);
        Assert.Equal(expected switch { "turbo" => RecommendedSettings.Turbo, "lcm" => RecommendedSettings.Lcm, _ => RecommendedSettings.StableDiffusion }, settings);
    }

    [Fact]
    public async Task GenerateTakesTurboDefaultsWhenStepsAndGuidanceAreLeftOut()
    {
        var dir = Directory.CreateTempSubdirectory("ss-turbo-").FullName;
        try
        {
            var output = Path.Combine(dir, "out.png");
            var (code, _, stderr) = await CliProcess.RunAsync(null, ["generate", "--model", Turbo(), "--prompt", "a beach", "--width", "64", "--height", "48",
                "--seed", "1", "--no-ort-cache", "--no-watermark", "-o", output]);
            Assert.True(code == 0, stderr);
            var chunks = PngTextChunks.Read(File.ReadAllBytes(output)).ToDictionary(k => k.Key, k => k.Value);
            Assert.Equal("1", chunks["steps"]);
            Assert.Equal("0", chunks["guidance"]);
            Assert.Equal("EulerDiscreteScheduler", chunks["scheduler"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PreviewProjectsAPixelAsTheFactorsSay()
    {
        // 1×2 latents: pixel 0 = (1, 0, 0, 0) → RGB (0.3512, 0.2297, 0.3227); pixel 1 = (0.5, −1, 2, 0.25).
        float[] latents = [1f, 0.5f, 0f, -1f, 0f, 2f, 0f, 0.25f];
        var rgb = new byte[LatentPreview.ByteCount(2, 1, 2)];
        LatentPreview.StableDiffusion1.Render(latents, 1, 2, rgb, scale: 2);
        static byte Level(double v) => (byte)Math.Round(Math.Clamp((v + 1) / 2, 0, 1) * 255);
        byte[] first = [Level(0.3512), Level(0.2297), Level(0.3227)];
        var r = 0.5 * 0.3512 - 1 * 0.3250 + 2 * -0.2829 + 0.25 * -0.2120;
        var g = 0.5 * 0.2297 - 1 * 0.4974 + 2 * 0.1762 + 0.25 * -0.2616;
        var b = 0.5 * 0.3227 - 1 * 0.2350 + 2 * 0.2721 + 0.25 * -0.7177;
        byte[] second = [Level(r), Level(g), Level(b)];
        Assert.Equal(new byte[] { 172, 157, 169 }, first); // (0.3512 + 1) / 2 · 255 = 172.3 …
        // 4×2 output, nearest: each latent pixel covers a 2×2 block.
        for (var y = 0; y < 2; y++)
            for (var x = 0; x < 4; x++)
                Assert.Equal(x < 2 ? first : second, rgb.AsSpan(3 * (y * 4 + x), 3).ToArray());
    }

    [Fact]
    public void PreviewFileHoldsTheLastStepsProjection()
    {
        using var model = StableDiffusionModel.Load(Lcm(), TinyDiffusionModels.Spec);
        using var pipeline = new StableDiffusionPipeline(model);
        var dir = Directory.CreateTempSubdirectory("ss-preview-").FullName;
        try
        {
            var file = new LatentPreviewFile(Path.Combine(dir, "p.png"));
            float[] last = [];
            var versions = new List<byte[]>();
            pipeline.Generate(new StableDiffusionOptions
            {
                Prompt = "a cat", Steps = 3, GuidanceScale = 8.5f, Width = Width, Height = Height, Seed = 5,
                OnStepEnd = step =>
                {
                    file.Write(step);
                    versions.Add(File.ReadAllBytes(Path.Combine(dir, "p.png")));
                    last = step.Latents.ToArray();
                },
            }, null, TestContext.Current.CancellationToken);
            Assert.Equal(3, file.Written);
            Assert.Equal(3, versions.Distinct(new BytesComparer()).Count());
            var expected = new byte[LatentPreview.ByteCount(Width / 8, Height / 8, 2)];
            LatentPreview.StableDiffusion1.Render(last, Height / 8, Width / 8, expected, 2);
            Assert.Equal(expected, RgbImage.Load(Path.Combine(dir, "p.png")).Pixels);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void PreviewProgressReportsEveryStepOfEveryImageWithThatStepsProjection()
    {
        using var model = StableDiffusionModel.Load(Turbo(), TinyDiffusionModels.Spec);
        using var pipeline = new StableDiffusionPipeline(model);
        var previews = new List<DiffusionPreview>();
        var latents = new List<float[]>();
        pipeline.Generate(new StableDiffusionOptions
        {
            Prompt = "a cat", Steps = 2, GuidanceScale = 0f, Width = Width, Height = Height, Seed = 5, Count = 2, PreviewScale = 3,
            Preview = new SyncPreviews(previews),
            OnStepEnd = step => latents.Add(step.Latents.ToArray()),
        }, null, TestContext.Current.CancellationToken);

        Assert.Equal([(0, 1, 2), (0, 2, 2), (1, 1, 2), (1, 2, 2)], previews.Select(p => (p.Image, p.Step, p.Steps)));
        for (var i = 0; i < previews.Count; i++)
        {
            var expected = new byte[LatentPreview.ByteCount(Width / 8, Height / 8, 3)];
            LatentPreview.StableDiffusion1.Render(latents[i], Height / 8, Width / 8, expected, 3);
            Assert.Equal((Width / 8 * 3, Height / 8 * 3), (previews[i].Picture.Width, previews[i].Picture.Height));
            Assert.Equal(expected, previews[i].Picture.Pixels);
        }
        // Each report owns its picture: the steps differ, so the pictures kept do too.
        Assert.NotEqual(previews[0].Picture.Pixels, previews[1].Picture.Pixels);
    }

    [Fact]
    public void APreviewScaleOfZeroIsAUsageError()
    {
        var e = Assert.Throws<SynthstageException>(() => StableDiffusionPipeline.Validate(new StableDiffusionOptions { Prompt = "a", PreviewScale = 0 }));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
        Assert.Contains("preview scale", e.Message);
    }

    private sealed class SyncPreviews(List<DiffusionPreview> previews) : IProgress<DiffusionPreview>
    {
        public void Report(DiffusionPreview value) => previews.Add(value);
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => obj.Length;
    }

    [Fact]
    public async Task GeneratePreviewRewritesAPngEveryStep()
    {
        var folder = Lcm();
        var dir = Directory.CreateTempSubdirectory("ss-preview-").FullName;
        try
        {
            var preview = Path.Combine(dir, "preview.png");
            var output = Path.Combine(dir, "out.png");
            var (code, _, stderr) = await CliProcess.RunAsync(null, ["generate", "--model", folder, "--prompt", "a cat", "--width", "64", "--height", "48", "--steps", "3",
                "--seed", "1", "--preview", preview, "--no-ort-cache", "--no-watermark", "-o", output]);
            Assert.True(code == 0, stderr);
            using var bitmap = SKBitmap.Decode(preview);
            Assert.NotNull(bitmap);
            // 2× nearest of the 8×6 latents.
            Assert.Equal((16, 12), (bitmap.Width, bitmap.Height));
            Assert.False(File.Exists(preview + ".partial"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task WalkLeftWithoutStepsAndGuidanceTakesTheModelsRecommendation()
    {
        SharedData.RequireFfmpeg();
        var dir = Directory.CreateTempSubdirectory("ss-walk-rec-").FullName;
        try
        {
            // The forged folder is named "turbo": SD-Turbo's 1 step at guidance 0, unless the command line says otherwise.
            var output = Path.Combine(dir, "walk.mp4");
            var (code, _, stderr) = await CliProcess.RunAsync(null, ["walk", "--model", Turbo(), "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2",
                "--frames", "1", "-W", "64", "-H", "48", "--no-ort-cache", "-o", output]);
            Assert.True(code == 0, stderr);
            var parameters = (await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output))["parameters"]!;
            Assert.Equal(("1", "0"), (parameters["steps"]!.GetValue<string>(), parameters["guidance"]!.GetValue<string>()));

            var given = Path.Combine(dir, "given.mp4");
            (code, _, stderr) = await CliProcess.RunAsync(null, ["walk", "--model", Turbo(), "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2",
                "--frames", "1", "-W", "64", "-H", "48", "--no-ort-cache", "--steps", "2", "-o", given]);
            Assert.True(code == 0, stderr);
            parameters = (await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(given))["parameters"]!;
            Assert.Equal(("2", "0"), (parameters["steps"]!.GetValue<string>(), parameters["guidance"]!.GetValue<string>()));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class SyncProgress(List<PipelineProgress> reports) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => reports.Add(value);
    }
}
