using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Imaging;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Tests.Forge;

namespace Synthstage.Tests.Diffusion.Pipelines;

/// <summary>
/// The pipeline's txt2img and img2img loops against diffusers' loop written again here, step by step, over sessions
/// this test opens itself on the same forged model files: guidance <c>uncond + g·(text − uncond)</c>, initial
/// latents × <c>init_noise_sigma</c> (txt2img) or <c>add_noise</c> at the strength's start timestep (img2img,
/// <c>get_timesteps</c>), <c>scale_model_input</c> before every UNet call, and decoding <c>latents / scaling_factor</c>
/// with the factor read from <c>vae_decoder/config.json</c> (0.5 in this variant, not SD's 0.18215).
/// </summary>
/// <remarks>
/// Schedulers come fresh from <see cref="SchedulerFactory"/> (their math is proved by the diffusers fixtures); what is
/// under test is the loop around them. Latents are compared after every step, the image at the end.
/// </remarks>
public sealed class DiffusersLoopReferenceTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    private const string Variant = "vae-scale-0.5";
    private const int Width = 64, Height = 48, LatentLength = 4 * (Height / 8) * (Width / 8);

    private static readonly StableDiffusionOptions Options = new()
    {
        Prompt = "a photo of a cat",
        NegativePrompt = "blurry",
        Steps = 5,
        GuidanceScale = 7.5f,
        Width = Width,
        Height = Height,
        Seed = 42,
    };

    [Theory]
    [InlineData("euler")]
    [InlineData("ddim")]
    public void TextToImageMatchesDiffusersLoopAtEveryStep(string scheduler)
    {
        var options = Options with { Scheduler = scheduler };
        var (steps, image) = RunPipeline(options);
        var (expectedSteps, expectedImage) = new ReferenceLoop(models.Folder(Variant), models.Get(Variant).Tokenizer).Run(options);
        AssertSameSteps(expectedSteps, steps);
        AssertSameImage(expectedImage, image);
    }

    [Theory]
    [InlineData("euler", 0.5)]
    [InlineData("euler", 0.75)]
    [InlineData("ddim", 0.6)]
    public void ImageToImageMatchesDiffusersLoopAtEveryStep(string scheduler, double strength)
    {
        var init = TestPattern();
        var options = Options with { Scheduler = scheduler, InitImage = init, Strength = strength };
        var (steps, image) = RunPipeline(options);
        var (expectedSteps, expectedImage) = new ReferenceLoop(models.Folder(Variant), models.Get(Variant).Tokenizer).Run(options);
        // init_timestep = min(int(5 · strength), 5) steps run: 2, 3, 3.
        Assert.Equal(Math.Min((int)(5 * strength), 5), expectedSteps.Count);
        AssertSameSteps(expectedSteps, steps);
        AssertSameImage(expectedImage, image);
    }

    private (List<(float Timestep, float[] Latents)> Steps, RgbImage Image) RunPipeline(StableDiffusionOptions options)
    {
        var steps = new List<(float, float[])>();
        using var pipeline = new StableDiffusionPipeline(models.Get(Variant));
        var image = pipeline.Generate(options with { OnStepEnd = step => steps.Add((step.Timestep, step.Latents.ToArray())) },
            null, TestContext.Current.CancellationToken).Single().Image;
        return (steps, image);
    }

    private static void AssertSameSteps(List<(float Timestep, float[] Latents)> expected, List<(float Timestep, float[] Latents)> actual)
    {
        Assert.Equal(expected.Select(s => s.Timestep), actual.Select(s => s.Timestep));
        for (var s = 0; s < expected.Count; s++)
        {
            var scale = Math.Max(1f, expected[s].Latents.Max(MathF.Abs));
            for (var i = 0; i < LatentLength; i++)
                Assert.True(Math.Abs(expected[s].Latents[i] - actual[s].Latents[i]) <= 1e-4f * scale,
                    $"step {s + 1}, latent {i}: diffusers' loop {expected[s].Latents[i]:R}, pipeline {actual[s].Latents[i]:R}");
        }
    }

    private static void AssertSameImage(RgbImage expected, RgbImage actual)
    {
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        var maxDiff = expected.Pixels.Zip(actual.Pixels, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1, $"max |reference − pipeline| = {maxDiff} levels");
        Assert.True(expected.Pixels.Distinct().Count() > 16, "the reference image is (nearly) flat");
    }

    private static RgbImage TestPattern()
    {
        var pixels = new byte[Width * Height * 3];
        for (var y = 0; y < Height; y++)
            for (var x = 0; x < Width; x++)
            {
                var i = (y * Width + x) * 3;
                (pixels[i], pixels[i + 1], pixels[i + 2]) = ((byte)(x * 4), (byte)(y * 5), (byte)((x + y) % 2 == 0 ? 200 : 40));
            }
        return new RgbImage(Width, Height, pixels);
    }

    /// <summary>diffusers' <c>__call__</c> (OnnxStableDiffusionPipeline and its img2img twin), on this test's own sessions.</summary>
    private sealed class ReferenceLoop(string folder, Synthstage.Diffusion.Tokenization.ClipTokenizer tokenizer)
    {
        public (List<(float Timestep, float[] Latents)> Steps, RgbImage Image) Run(StableDiffusionOptions options)
        {
            using var textEncoder = OrtRun.Load(folder, "text_encoder");
            using var unet = OrtRun.Load(folder, "unet");
            using var vaeDecoder = OrtRun.Load(folder, "vae_decoder");
            var scalingFactor = ScalingFactor();
            int h = options.Height / 8, w = options.Width / 8;

            // encode_prompt: [uncond, text] hidden states.
            var text = Encode(textEncoder, options.Prompt);
            var uncond = Encode(textEncoder, options.NegativePrompt);
            float[] states = [.. uncond, .. text];
            var width = text.Length / 77;

            var scheduler = SchedulerFactory.Create(options.Scheduler!, Synthstage.Diffusion.Schedulers.SchedulerConfig.FromJson(
                File.ReadAllText(Path.Combine(folder, "scheduler", "scheduler_config.json"))));
            scheduler.SetTimesteps(options.Steps);
            var generator = new TorchGenerator(options.Seed);
            var noise = generator.Randn(1, 4, h, w);
            float[] latents;
            IEnumerable<float> timesteps;
            if (options.InitImage is null)
            {
                // prepare_latents: latents = randn · init_noise_sigma.
                latents = noise.Select(v => v * scheduler.InitNoiseSigma).ToArray();
                timesteps = scheduler.Timesteps;
            }
            else
            {
                // get_timesteps, then add_noise(init_latents, noise, timesteps[0]) with the begin index set.
                var initLatents = EncodeImage(options.InitImage).Select(v => v * scalingFactor).ToArray();
                var initTimestep = Math.Min((int)(options.Steps * options.Strength), options.Steps);
                var tStart = Math.Max(options.Steps - initTimestep, 0);
                timesteps = scheduler.Timesteps.Skip(tStart * scheduler.Order).ToArray();
                scheduler.SetBeginIndex(tStart * scheduler.Order);
                latents = new float[initLatents.Length];
                scheduler.AddNoise(initLatents, noise, timesteps.First(), latents);
            }

            var steps = new List<(float, float[])>();
            var modelInput = new float[latents.Length];
            foreach (var t in timesteps)
            {
                // latent_model_input = cat([latents] · 2), scaled for the scheduler.
                scheduler.ScaleModelInput(latents, t, modelInput);
                float[] batch = [.. modelInput, .. modelInput];
                var eps = RunUNet(unet, batch, t, states, h, w, width);
                var guided = new float[latents.Length];
                for (var i = 0; i < guided.Length; i++)
                {
                    float u = eps[i], c = eps[latents.Length + i];
                    guided[i] = u + options.GuidanceScale * (c - u);
                }
                scheduler.Step(guided, t, latents, latents, generator);
                steps.Add((t, (float[])latents.Clone()));
            }

            // decode_latents: latents / scaling_factor → VAE → (x / 2 + 0.5) clamped → uint8 (rounded).
            var decoded = OrtRun.Run(vaeDecoder, new Dictionary<string, OrtValue>
            {
                ["latent_sample"] = OrtValue.CreateTensorValueFromMemory(latents.Select(v => v / scalingFactor).ToArray(), [1, 4, h, w]),
            })["sample"].Data;
            var plane = options.Width * options.Height;
            var rgb = new byte[plane * 3];
            for (var c = 0; c < 3; c++)
                for (var p = 0; p < plane; p++)
                    rgb[p * 3 + c] = (byte)Math.Round(Math.Clamp(decoded[c * plane + p] / 2.0 + 0.5, 0, 1) * 255);
            return (steps, new RgbImage(options.Width, options.Height, rgb));
        }

        private float[] Encode(InferenceSession textEncoder, string prompt)
        {
            var ids = tokenizer.Encode(prompt).Ids;
            return OrtRun.Run(textEncoder, new Dictionary<string, OrtValue>
            {
                ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, [1, ids.Length]),
            })["last_hidden_state"].Data;
        }

        private static float[] RunUNet(InferenceSession unet, float[] sample, float t, float[] states, int h, int w, int width)
        {
            var timestepShape = unet.InputMetadata["timestep"].Dimensions.Length == 0 ? Array.Empty<long>() : [2L];
            long[] timestep = timestepShape.Length == 0 ? [(long)t] : [(long)t, (long)t];
            return OrtRun.Run(unet, new Dictionary<string, OrtValue>
            {
                ["sample"] = OrtValue.CreateTensorValueFromMemory(sample, [2, 4, h, w]),
                ["timestep"] = OrtValue.CreateTensorValueFromMemory(timestep, timestepShape),
                ["encoder_hidden_states"] = OrtValue.CreateTensorValueFromMemory(states, [2, 77, width]),
            })["out_sample"].Data;
        }

        private float[] EncodeImage(RgbImage image)
        {
            using var vaeEncoder = OrtRun.Load(folder, "vae_encoder");
            var plane = image.Width * image.Height;
            var pixels = new float[3 * plane];
            for (var c = 0; c < 3; c++)
                for (var p = 0; p < plane; p++)
                    pixels[c * plane + p] = 2f * (image.Pixels[p * 3 + c] / 255f) - 1f;
            return OrtRun.Run(vaeEncoder, new Dictionary<string, OrtValue>
            {
                ["sample"] = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, image.Height, image.Width]),
            })["latent_sample"].Data;
        }

        private float ScalingFactor()
        {
            using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "vae_decoder", "config.json")));
            return config.RootElement.GetProperty("scaling_factor").GetSingle();
        }
    }
}
