using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Imaging;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// Stable Diffusion text-to-image and image-to-image on a loaded <see cref="StableDiffusionModel"/>, written top to
/// bottom like diffusers' <c>StableDiffusionPipeline.__call__</c> and <c>StableDiffusionImg2ImgPipeline.__call__</c>.
/// </summary>
/// <remarks>
/// <para>Every entry point runs the same denoising loop: <see cref="Generate"/> is <see cref="GenerateFromLatents"/>
/// plus latent preparation (noise from the seed, or the init image's latents noised to the start timestep), as
/// diffusers' <c>__call__</c> is its <c>latents=</c> / <c>prompt_embeds=</c> form plus <c>prepare_latents</c> and
/// <c>encode_prompt</c>.</para>
/// <para>Classifier-free guidance runs the unconditional and text branches as one batched UNet call ([uncond, text],
/// diffusers' order), or as two calls for UNets exported with a static batch of 1. UNet tensors are preallocated per
/// latent size and reused across steps, images and calls; a step allocates nothing beyond ONNX Runtime's own work.</para>
/// <para>Not thread-safe: one pipeline per concurrent run. The pipeline does not own the model.</para>
/// </remarks>
public sealed partial class StableDiffusionPipeline : IDisposable
{
    /// <summary>Largest accepted width or height in pixels.</summary>
    public const int MaxSide = DiffusionInputValidator.MaxSide;

    private readonly StableDiffusionModel _model;

    /// <summary>Wraps a loaded model (no I/O).</summary>
    public StableDiffusionPipeline(StableDiffusionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
    }

    /// <summary>Timings of the last <see cref="Generate"/> call.</summary>
    public GenerationTimings? LastTimings { get; private set; }

    /// <summary>Generates <see cref="StableDiffusionOptions.Count"/> images (seeds Seed, Seed + 1, …).</summary>
    /// <param name="options">What to generate; validated before any model runs.</param>
    /// <param name="progress">Receives "encode", "denoise" (one report per step, Total = steps of all images) and "decode" progress; truncation warnings also as Detail.</param>
    /// <param name="ct">Checked once per step; also terminates a running ONNX Runtime call.</param>
    /// <returns>The images in seed order, each with the run's <see cref="GeneratedImage.Warnings"/>.</returns>
    /// <exception cref="SynthstageException">An option is out of range, the size cannot fit in memory, or the model cannot do img2img.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public IReadOnlyList<GeneratedImage> Generate(StableDiffusionOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();

        // 1. Check inputs, before any model runs.
        var settings = options.DenoiseSettings();
        DiffusionInputValidator.Check(options);
        DiffusionInputValidator.CheckModel(_model, settings, 1, imageToImage: options.InitImage is not null);
        var schedulerName = options.Scheduler ?? _model.SchedulerConfig.ClassName ?? "default";
        var doGuidance = UsesUnconditionalBatch(options.GuidanceScale);
        int latentHeight = options.Height / 8, latentWidth = options.Width / 8;
        var latentLength = 4 * latentHeight * latentWidth;
        var otherRunBefore = _model.NonUNetRunTime;
        var unetBefore = UNetRunTime;

        using var runOptions = new RunOptions();
        using var cancelRegistration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            // 2. Encode the prompt (and the negative prompt for guidance): hidden states [1, 77, W] each.
            var warnings = new List<string>();
            var prompts = doGuidance ? 2 : 1;
            progress?.Report(new PipelineProgress("encode", 0, prompts));
            var text = EncodePrompt(options.Prompt, "prompt", runOptions, progress, warnings);
            var negative = doGuidance ? EncodePrompt(options.NegativePrompt, "negative prompt", runOptions, progress, warnings) : [];
            progress?.Report(new PipelineProgress("encode", prompts, prompts));

            // 3. Set timesteps; img2img starts part-way in (diffusers' get_timesteps) from the init image's latents.
            var scheduler = Schedulers(options.Scheduler, 1)[0];
            scheduler.SetTimesteps(options.Steps);
            var (start, steps) = options.InitImage is null ? (0, scheduler.Timesteps.Count) : ImageToImageSteps(scheduler, options.Steps, options.Strength);
            float[]? initLatents = null;
            if (options.InitImage is not null)
            {
                progress?.Report(new PipelineProgress("encode image", 0, 1));
                initLatents = EncodeImage(options.InitImage, runOptions);
                progress?.Report(new PipelineProgress("encode image", 1, 1));
            }

            var images = new List<GeneratedImage>(options.Count);
            var noise = new float[latentLength];
            var latents = new float[latentLength];
            var denoiseTicks = 0L;
            var asked = options.InitImage is null ? options.Steps : (int)Math.Min(options.Steps * options.Strength, options.Steps);
            var shownSteps = Math.Min(steps, Math.Max(1, asked));
            var report = new StepReport(progress, 0, shownSteps * options.Count, shownSteps);
            for (var i = 0; i < options.Count; i++)
            {
                var seed = options.Seed + (ulong)i;
                var generator = new TorchGenerator(seed);

                // 4. Prepare latents: the seed's noise × init_noise_sigma, or the init image's latents noised to the start timestep.
                generator.Randn(noise);
                scheduler.SetTimesteps(options.Steps);
                if (initLatents is null) PrepareTextToImage(scheduler, noise, latents);
                else PrepareImageToImage(scheduler, initLatents, noise, start, steps, latents);

                // 5. Denoise: the loop every entry point shares.
                var loopStart = Stopwatch.GetTimestamp();
                Denoise(settings, new DenoiseBatch(latents, text, negative, [scheduler], [generator], start, steps, i, report with { Done = shownSteps * i }), runOptions, ct);
                denoiseTicks += Stopwatch.GetTimestamp() - loopStart;

                // 6. Decode: latents / scaling_factor → VAE → (x / 2 + 0.5) clamped → RGB8.
                ct.ThrowIfCancellationRequested();
                progress?.Report(new PipelineProgress("decode", i, options.Count));
                var image = DecodeLatents(latents, latentHeight, latentWidth, runOptions);
                progress?.Report(new PipelineProgress("decode", i + 1, options.Count));
                images.Add(new GeneratedImage(image, seed, Parameters(options, seed, schedulerName)) { Warnings = warnings });
            }

            LastTimings = new GenerationTimings(
                Stopwatch.GetElapsedTime(started),
                Stopwatch.GetElapsedTime(0, denoiseTicks),
                UNetRunTime - unetBefore,
                _model.NonUNetRunTime - otherRunBefore,
                steps * options.Count);
            return images;
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>
    /// Checks the options that do not depend on a model (size, steps, guidance, strength, count, memory for the size), so a
    /// front end can refuse bad input before spending time loading a model: <see cref="DiffusionInputValidator.Check(StableDiffusionOptions)"/>,
    /// which <see cref="Generate"/> runs too.
    /// </summary>
    /// <exception cref="SynthstageException">An option is out of range; the message names it and the valid range.</exception>
    public static void Validate(StableDiffusionOptions options) => DiffusionInputValidator.Check(options);

    /// <summary>Encodes an image to UNet latents: pixels to −1..1, VAE encoder, × scaling_factor.</summary>
    /// <param name="image">RGB8 image; width and height multiples of 8.</param>
    /// <param name="runOptions">Run options, or null.</param>
    /// <returns>Latents [1, 4, H/8, W/8], float32, scaled.</returns>
    /// <exception cref="SynthstageException">The model has no VAE encoder or the size is not a multiple of 8.</exception>
    public float[] EncodeImage(RgbImage image, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        DiffusionInputValidator.CheckSize(image.Width, image.Height, "init image");
        var encoder = _model.GetVaeEncoder();
        var plane = image.Width * image.Height;
        var pixels = new float[3 * plane];
        var rgb = image.Pixels;
        for (var p = 0; p < plane; p++)
        {
            // diffusers' preprocess: 2 · (x / 255) − 1, planar CHW.
            pixels[p] = 2f * (rgb[3 * p] / 255f) - 1f;
            pixels[plane + p] = 2f * (rgb[3 * p + 1] / 255f) - 1f;
            pixels[2 * plane + p] = 2f * (rgb[3 * p + 2] / 255f) - 1f;
        }
        var latents = new float[4 * plane / 64];
        using var defaultRun = runOptions is null ? new RunOptions() : null;
        encoder.Encode(pixels, image.Height, image.Width, latents, runOptions ?? defaultRun!);
        TensorPrimitives.Multiply(latents, _model.ScalingFactor, latents);
        return latents;
    }

    /// <summary>Decodes UNet latents to an image: ÷ scaling_factor, VAE decoder, (x / 2 + 0.5) clamped to 0..1, × 255 rounded.</summary>
    /// <param name="latents">Latents [1, 4, h, w], float32, scaled as the UNet sees them; not modified.</param>
    /// <param name="latentHeight">h.</param>
    /// <param name="latentWidth">w.</param>
    /// <param name="runOptions">Run options, or null.</param>
    /// <returns>The 8h × 8w RGB8 image.</returns>
    public RgbImage DecodeLatents(ReadOnlySpan<float> latents, int latentHeight, int latentWidth, RunOptions? runOptions = null)
    {
        var rgb = new byte[3 * latentHeight * 8 * latentWidth * 8];
        DecodeLatents(latents, latentHeight, latentWidth, rgb, runOptions);
        return new RgbImage(latentWidth * 8, latentHeight * 8, rgb);
    }

    /// <summary>
    /// The warning for a prompt the text encoder cannot take whole: "<paramref name="what"/> longer than 77 tokens;
    /// dropped "…"" naming the dropped words, or null when it fits.
    /// </summary>
    /// <param name="prompt">The text.</param>
    /// <param name="what">What the text is, to start the sentence ("prompt", "keyframe 2 negative prompt").</param>
    public string? TruncationWarning(string prompt, string what)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return _model.Tokenizer.Encode(prompt).TruncationWarning(what);
    }

    private float[] EncodePrompt(string prompt, string what, RunOptions runOptions, IProgress<PipelineProgress>? progress, ICollection<string>? warnings)
    {
        var tokens = _model.Tokenizer.Encode(prompt);
        if (tokens.TruncationWarning(what) is { } warning)
        {
            warnings?.Add(warning);
            progress?.Report(new PipelineProgress("encode", 0, null, $"warning: {warning}"));
        }
        return _model.TextEncoder.Encode(tokens.Ids, runOptions);
    }

    // diffusers' get_timesteps: init_timestep = min(int(steps · strength), steps), t_start = (steps − init) · order.
    // A strength small enough to start past the end runs no step at all (PNDM's schedule has steps + 1 entries, so
    // diffusers' slicing would otherwise leave one): the result is decode(encode(init)).
    private static (int Start, int Steps) ImageToImageSteps(IDiffusionScheduler scheduler, int steps, double strength)
    {
        var initTimestep = Math.Min((int)(steps * strength), steps);
        var start = Math.Max(steps - initTimestep, 0) * scheduler.Order;
        return initTimestep == 0 ? (start, 0) : (start, scheduler.Timesteps.Count - start);
    }

    // Text-to-image latents: noise × init_noise_sigma (diffusers' prepare_latents).
    private static void PrepareTextToImage(IDiffusionScheduler scheduler, ReadOnlySpan<float> noise, Span<float> latents) =>
        TensorPrimitives.Multiply(noise, scheduler.InitNoiseSigma, latents);

    // Image-to-image latents: the init image's latents noised to the first timestep that runs (scheduler.add_noise).
    private static void PrepareImageToImage(IDiffusionScheduler scheduler, ReadOnlySpan<float> initLatents, ReadOnlySpan<float> noise,
        int start, int steps, Span<float> latents)
    {
        initLatents.CopyTo(latents);
        if (steps == 0) return;
        scheduler.SetBeginIndex(start);
        scheduler.AddNoise(initLatents, noise, scheduler.Timesteps[start], latents);
    }

    private List<KeyValuePair<string, string>> Parameters(StableDiffusionOptions options, ulong seed, string scheduler)
    {
        var inv = CultureInfo.InvariantCulture;
        var list = new List<KeyValuePair<string, string>>
        {
            new("prompt", options.Prompt),
            new("negative_prompt", options.NegativePrompt),
            new("seed", seed.ToString(inv)),
            new("steps", options.Steps.ToString(inv)),
            new("guidance", options.GuidanceScale.ToString(inv)),
            new("scheduler", scheduler),
            new("model", _model.ModelId),
            new("size", $"{options.Width}x{options.Height}"),
        };
        if (options.InitImage is not null) list.Add(new("strength", options.Strength.ToString(inv)));
        list.Add(new("Software", "synthstage"));
        return list;
    }

    /// <summary>Releases the preallocated UNet tensors (not the model).</summary>
    public void Dispose()
    {
        foreach (var binding in _bindings.Values) binding.Dispose();
        _bindings.Clear();
    }
}
