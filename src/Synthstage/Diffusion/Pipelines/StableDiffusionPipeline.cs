using Synthstage.Imaging;
using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Video;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// Stable Diffusion text-to-image and image-to-image on a loaded <see cref="StableDiffusionModel"/>, written top to
/// bottom like diffusers' <c>StableDiffusionPipeline.__call__</c> and <c>StableDiffusionImg2ImgPipeline.__call__</c>.
/// </summary>
/// <remarks>
/// <para>Classifier-free guidance runs the unconditional and text branches as one batched UNet call ([uncond, text],
/// diffusers' order), or as two calls for UNets exported with a static batch of 1. UNet tensors are preallocated per
/// latent size and reused across steps, images and calls; a step allocates nothing beyond ONNX Runtime's own work.</para>
/// <para>Not thread-safe: one pipeline per concurrent run. The pipeline does not own the model.</para>
/// </remarks>
public sealed partial class StableDiffusionPipeline : IDisposable
{
    /// <summary>Largest accepted width or height in pixels.</summary>
    public const int MaxSide = 8192;

    private readonly StableDiffusionModel _model;
    private readonly Dictionary<(int Batch, int Height, int Width, bool Separate), UNetBinding> _bindings = [];

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
    /// <param name="progress">Receives "encode", "denoise" (one report per step, Total = steps of all images) and "decode" progress; truncation warnings as Detail.</param>
    /// <param name="ct">Checked once per step; also terminates a running ONNX Runtime call.</param>
    /// <returns>The images in seed order.</returns>
    /// <exception cref="SynthstageException">An option is out of range, the size cannot fit in memory, or the model cannot do img2img.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public IReadOnlyList<GeneratedImage> Generate(StableDiffusionOptions options, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();

        // 1. Check inputs, before any model runs.
        CheckInputs(options);
        var scheduler = options.Scheduler is null
            ? SchedulerFactory.FromConfig(_model.SchedulerConfig)
            : SchedulerFactory.Create(options.Scheduler, _model.SchedulerConfig);
        var schedulerName = options.Scheduler ?? _model.SchedulerConfig.ClassName ?? "default";
        var doGuidance = options.GuidanceScale > 1f;
        var batch = doGuidance ? 2 : 1;
        var latentHeight = options.Height / 8;
        var latentWidth = options.Width / 8;
        var latentLength = 4 * latentHeight * latentWidth;
        var otherRunBefore = _model.NonUNetRunTime;

        using var runOptions = new RunOptions();
        using var cancelRegistration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            // 2. Encode the prompt (and the negative prompt for guidance): hidden states [batch, 77, W], uncond first.
            progress?.Report(new PipelineProgress("encode", 0, batch));
            var text = EncodePrompt(options.Prompt, "prompt", runOptions, progress);
            float[] states = text;
            if (doGuidance)
            {
                var uncond = EncodePrompt(options.NegativePrompt, "negative prompt", runOptions, progress);
                states = [.. uncond, .. text];
            }
            progress?.Report(new PipelineProgress("encode", batch, batch));
            var hiddenSize = text.Length / _model.TextEncoder.SequenceLength;

            var binding = GetBinding(batch, latentHeight, latentWidth, hiddenSize, options.SeparateGuidanceCalls);
            binding.SetEncoderHiddenStates(states);

            // 3. Set timesteps; img2img starts part-way in (diffusers' get_timesteps).
            scheduler.SetTimesteps(options.Steps);
            var tStart = 0;
            var initTimestep = options.Steps;
            if (options.InitImage is not null)
            {
                initTimestep = Math.Min((int)(options.Steps * options.Strength), options.Steps);
                tStart = Math.Max(options.Steps - initTimestep, 0) * scheduler.Order;
            }
            // Strength small enough to start past the end runs no step at all (PNDM's schedule has steps + 1 entries,
            // so diffusers' slicing would otherwise leave one): the result is decode(encode(init)).
            var timesteps = initTimestep == 0 ? [] : scheduler.Timesteps.Skip(tStart).ToArray();

            float[]? initLatents = null;
            if (options.InitImage is not null)
            {
                progress?.Report(new PipelineProgress("encode image", 0, 1));
                initLatents = EncodeImage(options.InitImage, runOptions);
                progress?.Report(new PipelineProgress("encode image", 1, 1));
            }

            var images = new List<GeneratedImage>(options.Count);
            var latents = new float[latentLength];
            var noisePred = new float[latentLength];
            var denoiseTicks = 0L;
            var unetBefore = binding.RunTime;
            var totalSteps = timesteps.Length * options.Count;
            // Progress counts the steps asked for, as diffusers' progress bar does: a scheduler's extra evaluations
            // (PNDM's repeated warm-up timestep, a second-order solver's inner calls) do not add to the count.
            var warmupCalls = timesteps.Length - initTimestep * scheduler.Order;
            var stepsShown = 0;
            for (var i = 0; i < options.Count; i++)
            {
                var seed = options.Seed + (ulong)i;
                var generator = new TorchGenerator(seed);

                // 4. Prepare latents: noise × init_noise_sigma, or the init image's latents noised to the start timestep.
                scheduler.SetTimesteps(options.Steps);
                if (initLatents is null)
                {
                    generator.Randn(latents);
                    TensorPrimitives.Multiply(latents, scheduler.InitNoiseSigma, latents);
                }
                else
                {
                    initLatents.CopyTo(latents, 0);
                    if (timesteps.Length > 0)
                    {
                        scheduler.SetBeginIndex(tStart);
                        generator.Randn(noisePred);
                        scheduler.AddNoise(initLatents, noisePred, timesteps[0], latents);
                    }
                }

                // 5. Denoising loop.
                var loopStart = Stopwatch.GetTimestamp();
                var call = 0;
                foreach (var t in timesteps)
                {
                    ct.ThrowIfCancellationRequested();
                    var sample = binding.Sample;
                    scheduler.ScaleModelInput(latents, t, sample[..latentLength]);
                    if (doGuidance) sample[..latentLength].CopyTo(sample[latentLength..]);
                    binding.Run(t, runOptions);
                    var eps = binding.NoisePred;
                    if (doGuidance)
                    {
                        // noise_pred = uncond + guidance_scale · (text − uncond)
                        var uncond = eps[..latentLength];
                        TensorPrimitives.Subtract(eps[latentLength..], uncond, noisePred);
                        TensorPrimitives.MultiplyAdd(noisePred, options.GuidanceScale, uncond, noisePred);
                        scheduler.Step(noisePred, t, latents, latents, generator);
                    }
                    else
                    {
                        scheduler.Step(eps, t, latents, latents, generator);
                    }
                    if (++call == timesteps.Length || (call > warmupCalls && call % scheduler.Order == 0))
                        progress?.Report(new PipelineProgress("denoise", ++stepsShown, (long)initTimestep * options.Count));
                }
                denoiseTicks += Stopwatch.GetTimestamp() - loopStart;

                // 6. Decode: latents / scaling_factor → VAE → (x / 2 + 0.5) clamped → RGB8.
                ct.ThrowIfCancellationRequested();
                progress?.Report(new PipelineProgress("decode", i, options.Count));
                var image = DecodeLatents(latents, latentHeight, latentWidth, runOptions);
                progress?.Report(new PipelineProgress("decode", i + 1, options.Count));
                images.Add(new GeneratedImage(image, seed, Parameters(options, seed, schedulerName)));
            }

            LastTimings = new GenerationTimings(
                Stopwatch.GetElapsedTime(started),
                Stopwatch.GetElapsedTime(0, denoiseTicks),
                binding.RunTime - unetBefore,
                _model.NonUNetRunTime - otherRunBefore,
                totalSteps);
            return images;
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>Encodes an image to UNet latents: pixels to −1..1, VAE encoder, × scaling_factor.</summary>
    /// <param name="image">RGB8 image; width and height multiples of 8.</param>
    /// <param name="runOptions">Run options, or null.</param>
    /// <returns>Latents [1, 4, H/8, W/8], float32, scaled.</returns>
    /// <exception cref="SynthstageException">The model has no VAE encoder or the size is not a multiple of 8.</exception>
    public float[] EncodeImage(RgbImage image, RunOptions? runOptions = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        CheckSize(image.Width, image.Height, "init image");
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

    private float[] EncodePrompt(string prompt, string what, RunOptions runOptions, IProgress<PipelineProgress>? progress)
    {
        var tokens = _model.Tokenizer.Encode(prompt);
        if (tokens.TruncatedText is { Length: > 0 } dropped)
            progress?.Report(new PipelineProgress("encode", 0, null, $"warning: {what} longer than {_model.Tokenizer.MaxLength} tokens; dropped \"{dropped}\""));
        return _model.TextEncoder.Encode(tokens.Ids, runOptions);
    }

    private UNetBinding GetBinding(int batch, int latentHeight, int latentWidth, int hiddenSize, bool separate)
    {
        var key = (batch, latentHeight, latentWidth, separate);
        if (!_bindings.TryGetValue(key, out var binding))
        {
            binding = _model.UNet.Bind(batch, latentHeight, latentWidth, _model.TextEncoder.SequenceLength, hiddenSize, separate);
            _bindings[key] = binding;
        }
        return binding;
    }

    /// <summary>
    /// Checks the options that do not depend on a model (size, steps, guidance, strength, count, memory for the size), so a
    /// front end can refuse bad input before spending time loading a model. <see cref="Generate"/> runs it too.
    /// </summary>
    /// <exception cref="SynthstageException">An option is out of range; the message names it and the valid range.</exception>
    public static void Validate(StableDiffusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prompt is null) throw new SynthstageException("prompt must not be null; pass \"\" for unconditional generation", ExitCodes.Usage);
        if (options.NegativePrompt is null) throw new SynthstageException("negative prompt must not be null; pass \"\" for none", ExitCodes.Usage);
        CheckSize(options.Width, options.Height, "size");
        if (options.Steps < 1)
            throw new SynthstageException($"steps must be at least 1; got {options.Steps}", ExitCodes.Usage);
        if (!float.IsFinite(options.GuidanceScale) || options.GuidanceScale < 0)
            throw new SynthstageException($"guidance must be a number ≥ 0 (≤ 1 turns guidance off); got {options.GuidanceScale.ToString(CultureInfo.InvariantCulture)}", ExitCodes.Usage);
        if (options.Count < 1)
            throw new SynthstageException($"count must be at least 1; got {options.Count}", ExitCodes.Usage);
        if (options.InitImage is { } init)
        {
            if (!double.IsFinite(options.Strength) || options.Strength is < 0 or > 1)
                throw new SynthstageException($"strength must be between 0 and 1; got {options.Strength.ToString(CultureInfo.InvariantCulture)}", ExitCodes.Usage);
            if (init.Width != options.Width || init.Height != options.Height)
                throw new SynthstageException($"init image is {init.Width}×{init.Height} but the requested size is {options.Width}×{options.Height}; resize it first", ExitCodes.Usage);
            if (init.Pixels.Length != init.Width * init.Height * 3)
                throw new SynthstageException($"init image has {init.Pixels.Length} bytes; expected {init.Width}×{init.Height}×3 RGB", ExitCodes.BadInput);
        }
        CheckMemory(options.Width, options.Height, options.GuidanceScale > 1f && !options.SeparateGuidanceCalls ? 2 : 1);
    }

    private void CheckInputs(StableDiffusionOptions options)
    {
        Validate(options);
        var trainSteps = _model.SchedulerConfig.NumTrainTimesteps ?? 1000;
        if (options.Steps > trainSteps)
            throw new SynthstageException($"steps must be at most the model's {trainSteps} training timesteps; got {options.Steps}", ExitCodes.Usage);
        if (options.InitImage is not null && !_model.HasVaeEncoder)
            throw new SynthstageException($"'{_model.Folder}' has no vae_encoder/model.onnx; image-to-image needs it", ExitCodes.BadModel);
    }

    private static void CheckSize(int width, int height, string what)
    {
        if (width < 8 || height < 8 || width > MaxSide || height > MaxSide)
            throw new SynthstageException($"{what} {width}×{height} is out of range; width and height must be 8 to {MaxSide} pixels", ExitCodes.Usage);
        if (width % 8 != 0 || height % 8 != 0)
            throw new SynthstageException(
                $"{what} {width}×{height}: width and height must be multiples of 8 (the VAE downsamples by 8); try {Nearest8(width)}×{Nearest8(height)}",
                ExitCodes.Usage);
    }

    private static int Nearest8(int value) => Math.Max(8, (value + 4) / 8 * 8);

    /// <summary>
    /// Refuses sizes whose largest working tensor cannot fit: the UNet's first self-attention holds
    /// batch × heads × N² float scores (N = latent pixels, 8 heads for SD 1.x), twice over (scores and softmax).
    /// </summary>
    private static void CheckMemory(int width, int height, int batch)
    {
        double tokens = (double)(width / 8) * (height / 8);
        double needed = 2.0 * batch * 8 * tokens * tokens * sizeof(float);
        var available = AvailableMemoryBytes();
        if (needed > available)
            throw new SynthstageException(
                $"{width}×{height} needs about {needed / (1L << 30):0.0} GB for the UNet's attention but only {available / (double)(1L << 30):0.0} GB is available; use a smaller size",
                ExitCodes.Usage);
    }

    private static long AvailableMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                var kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                return Math.Min(kb * 1024, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // Not Linux or not readable: fall back to the runtime's view of physical memory.
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
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
