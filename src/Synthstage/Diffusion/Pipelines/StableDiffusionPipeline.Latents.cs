using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Schedulers;
using Synthstage.Video;

namespace Synthstage.Diffusion.Pipelines;

// The lower-level entry points for callers that prepare their own latents and text embeddings (walk videos):
// encode a prompt once, then denoise a batch of images from given noise and embeddings. With the same noise,
// embeddings and settings they compute exactly what Generate computes, bit for bit.
public sealed partial class StableDiffusionPipeline
{
    private readonly List<IDiffusionScheduler> _latentSchedulers = [];
    private string? _latentSchedulerName;
    private float[] _latents = [];
    private float[] _guided = [];
    private float[] _states = [];
    private float[] _decodeScaled = [];
    private float[] _decodeOutput = [];

    /// <summary>Values in one prompt's text embeddings: <c>77 × W</c> (the text encoder's sequence length times its width).</summary>
    /// <remarks>Known once a prompt has been encoded when the export leaves the width symbolic; 0 until then.</remarks>
    public int EmbeddingLength => _model.TextEncoder.HiddenSize * _model.TextEncoder.SequenceLength;

    /// <summary>Encodes one prompt to CLIP hidden states, exactly as <see cref="Generate"/> encodes its prompt and negative prompt.</summary>
    /// <param name="prompt">The text; empty is the unconditional prompt. Text past 75 tokens is dropped and reported as progress detail.</param>
    /// <param name="progress">Receives a truncation warning, if any.</param>
    /// <param name="ct">Terminates a running ONNX Runtime call.</param>
    /// <returns>Hidden states [1, 77, W], float32, a new array owned by the caller.</returns>
    public float[] EncodePromptEmbeddings(string prompt, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        using var runOptions = new RunOptions();
        using var cancelRegistration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            return EncodePrompt(prompt, "prompt", runOptions, progress);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>
    /// Denoises N images at once from caller-made initial noise and text embeddings and decodes them into
    /// <paramref name="rgb"/>: steps 3 to 6 of <see cref="Generate"/> for a batch (one UNet call per step for all N, or
    /// 2N rows with guidance: [uncond₀ … uncondₙ₋₁, text₀ … textₙ₋₁]).
    /// </summary>
    /// <param name="options">Size, steps, guidance and scheduler shared by the batch.</param>
    /// <param name="initialNoise">N × [4, H/8, W/8] standard normal latents, before scaling by <c>init_noise_sigma</c> (as <see cref="TorchGenerator.Randn(Span{float})"/> draws them).</param>
    /// <param name="textEmbeddings">N × [77, W] prompt embeddings (from <see cref="EncodePromptEmbeddings"/> or mixes of them).</param>
    /// <param name="negativeEmbeddings">N × [77, W] negative prompt embeddings; ignored (may be empty) when guidance is off.</param>
    /// <param name="stepNoise">One noise source per image for stochastic schedulers (euler-a, lcm); pass the generator that drew the image's noise to reproduce <see cref="Generate"/>. Entries may be null for deterministic schedulers.</param>
    /// <param name="rgb">Receives N images of H × W × 3 bytes, one after the other.</param>
    /// <param name="ct">Checked once per step; also terminates a running ONNX Runtime call.</param>
    /// <remarks>
    /// With N = 1, the noise <c>TorchGenerator(seed).Randn</c>, the embeddings of the prompt and negative prompt and the
    /// generator as step noise, the image equals <see cref="Generate"/>'s for that seed byte for byte. Whether batch N &gt; 1
    /// gives the same bits as N separate calls depends on ONNX Runtime's kernels for that batch size.
    /// </remarks>
    /// <exception cref="SynthstageException">An option is out of range, the batch does not fit in memory, or the UNet has a static batch that cannot take N.</exception>
    /// <exception cref="ArgumentException">Span lengths do not match N, the size and the text encoder's width.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled.</exception>
    public void GenerateFromLatents(LatentDenoiseOptions options, ReadOnlySpan<float> initialNoise, ReadOnlySpan<float> textEmbeddings,
        ReadOnlySpan<float> negativeEmbeddings, IReadOnlyList<INoiseSource?> stepNoise, Span<byte> rgb, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(stepNoise);

        // 1. Check inputs, before any model runs.
        var doGuidance = options.GuidanceScale > 1f;
        var latentHeight = options.Height / 8;
        var latentWidth = options.Width / 8;
        var latentLength = 4 * latentHeight * latentWidth;
        var count = CheckLatentInputs(options, initialNoise.Length, latentLength);
        if (textEmbeddings.Length == 0 || textEmbeddings.Length % count != 0)
            throw new ArgumentException($"expected {count} text embeddings, got {textEmbeddings.Length} values", nameof(textEmbeddings));
        var embeddingLength = textEmbeddings.Length / count;
        if (embeddingLength % _model.TextEncoder.SequenceLength != 0)
            throw new ArgumentException($"a text embedding must be {_model.TextEncoder.SequenceLength} × width values, got {embeddingLength}", nameof(textEmbeddings));
        if (doGuidance && negativeEmbeddings.Length != textEmbeddings.Length)
            throw new ArgumentException($"expected {textEmbeddings.Length} negative embedding values, got {negativeEmbeddings.Length}", nameof(negativeEmbeddings));
        if (stepNoise.Count != count)
            throw new ArgumentException($"expected {count} step noise sources, got {stepNoise.Count}", nameof(stepNoise));
        var pixels = options.Width * options.Height * 3;
        if (rgb.Length != count * pixels)
            throw new ArgumentException($"expected room for {count} images of {pixels} bytes, got {rgb.Length}", nameof(rgb));
        var schedulers = LatentSchedulers(options.Scheduler, count);

        using var runOptions = new RunOptions();
        using var cancelRegistration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            // 2. Text embeddings of the whole batch, uncond first (diffusers' order for several images per prompt).
            var rows = doGuidance ? 2 * count : count;
            var hiddenSize = embeddingLength / _model.TextEncoder.SequenceLength;
            var binding = GetBinding(rows, latentHeight, latentWidth, hiddenSize, options.SeparateGuidanceCalls);
            var states = Grow(ref _states, rows * embeddingLength);
            if (doGuidance)
            {
                negativeEmbeddings.CopyTo(states);
                textEmbeddings.CopyTo(states[textEmbeddings.Length..]);
            }
            else
            {
                textEmbeddings.CopyTo(states);
            }
            binding.SetEncoderHiddenStates(states);

            // 3. Set timesteps, 4. prepare latents: noise × init_noise_sigma, one scheduler per image.
            var latents = Grow(ref _latents, count * latentLength);
            for (var i = 0; i < count; i++)
            {
                schedulers[i].SetTimesteps(options.Steps);
                TensorPrimitives.Multiply(initialNoise.Slice(i * latentLength, latentLength), schedulers[i].InitNoiseSigma, latents.Slice(i * latentLength, latentLength));
            }
            var noisePred = Grow(ref _guided, latentLength);

            // 5. Denoising loop: one UNet call per step for the whole batch.
            foreach (var t in schedulers[0].Timesteps)
            {
                ct.ThrowIfCancellationRequested();
                var sample = binding.Sample;
                for (var i = 0; i < count; i++)
                {
                    var input = sample.Slice(i * latentLength, latentLength);
                    schedulers[i].ScaleModelInput(latents.Slice(i * latentLength, latentLength), t, input);
                    if (doGuidance) input.CopyTo(sample.Slice((count + i) * latentLength, latentLength));
                }
                binding.Run(t, runOptions);
                var eps = binding.NoisePred;
                for (var i = 0; i < count; i++)
                {
                    var image = latents.Slice(i * latentLength, latentLength);
                    if (doGuidance)
                    {
                        // noise_pred = uncond + guidance_scale · (text − uncond)
                        var uncond = eps.Slice(i * latentLength, latentLength);
                        TensorPrimitives.Subtract(eps.Slice((count + i) * latentLength, latentLength), uncond, noisePred);
                        TensorPrimitives.MultiplyAdd(noisePred, options.GuidanceScale, uncond, noisePred);
                        schedulers[i].Step(noisePred, t, image, image, stepNoise[i]);
                    }
                    else
                    {
                        schedulers[i].Step(eps.Slice(i * latentLength, latentLength), t, image, image, stepNoise[i]);
                    }
                }
            }

            // 6. Decode each image.
            for (var i = 0; i < count; i++)
            {
                ct.ThrowIfCancellationRequested();
                DecodeLatents(latents.Slice(i * latentLength, latentLength), latentHeight, latentWidth, rgb.Slice(i * pixels, pixels), runOptions);
            }
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>Decodes UNet latents into a caller buffer: ÷ scaling_factor, VAE decoder, (x / 2 + 0.5) clamped to 0..1, × 255 rounded.</summary>
    /// <param name="latents">Latents [1, 4, h, w], float32, scaled as the UNet sees them; not modified.</param>
    /// <param name="latentHeight">h.</param>
    /// <param name="latentWidth">w.</param>
    /// <param name="rgb">Receives the 8h × 8w image, RGB8 interleaved, rows top first (8h · 8w · 3 bytes).</param>
    /// <param name="runOptions">Run options, or null.</param>
    /// <remarks>Scratch buffers are kept by the pipeline, so decoding frame after frame allocates nothing.</remarks>
    public void DecodeLatents(ReadOnlySpan<float> latents, int latentHeight, int latentWidth, Span<byte> rgb, RunOptions? runOptions = null)
    {
        int height = latentHeight * 8, width = latentWidth * 8, plane = height * width;
        if (rgb.Length != 3 * plane)
            throw new ArgumentException($"expected room for {3 * plane} bytes, got {rgb.Length}", nameof(rgb));
        var scaled = Grow(ref _decodeScaled, latents.Length);
        TensorPrimitives.Divide(latents, _model.ScalingFactor, scaled);
        var decoded = Grow(ref _decodeOutput, 3 * plane);
        using var defaultRun = runOptions is null ? new RunOptions() : null;
        _model.VaeDecoder.Decode(scaled, latentHeight, latentWidth, decoded, runOptions ?? defaultRun!);
        for (var c = 0; c < 3; c++)
        {
            var channel = decoded.Slice(c * plane, plane);
            for (var p = 0; p < plane; p++)
            {
                var v = Math.Clamp(channel[p] / 2f + 0.5f, 0f, 1f);
                rgb[3 * p + c] = (byte)MathF.Round(v * 255f);
            }
        }
    }

    /// <summary>
    /// Checks <see cref="GenerateFromLatents"/>'s options against this model before anything runs: size, steps, guidance,
    /// memory for <paramref name="batch"/> images, the scheduler name, and that the UNet can take the batch.
    /// </summary>
    /// <exception cref="SynthstageException">A value is out of range, the scheduler is unknown, or the UNet's static batch cannot take <paramref name="batch"/> images.</exception>
    public void ValidateLatentBatch(LatentDenoiseOptions options, int batch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        CheckSize(options.Width, options.Height, "size");
        if (options.Steps < 1)
            throw new SynthstageException($"steps must be at least 1; got {options.Steps}", ExitCodes.Usage);
        var trainSteps = _model.SchedulerConfig.NumTrainTimesteps ?? 1000;
        if (options.Steps > trainSteps)
            throw new SynthstageException($"steps must be at most the model's {trainSteps} training timesteps; got {options.Steps}", ExitCodes.Usage);
        if (!float.IsFinite(options.GuidanceScale) || options.GuidanceScale < 0)
            throw new SynthstageException($"guidance must be a number ≥ 0 (≤ 1 turns guidance off); got {options.GuidanceScale}", ExitCodes.Usage);
        if (batch > 1 && _model.UNet.StaticBatch is { } fixedBatch)
            throw new SynthstageException(
                $"'{_model.UNet.Path}' is exported with a static batch of {fixedBatch}; rendering {batch} images per call needs a UNet with a dynamic batch dimension (use a batch of 1)",
                ExitCodes.BadModel);
        var rows = options.GuidanceScale > 1f && !options.SeparateGuidanceCalls ? 2 * batch : batch;
        CheckMemory(options.Width, options.Height, rows);
        if (options.Scheduler is not null) SchedulerFactory.Create(options.Scheduler, _model.SchedulerConfig);
    }

    private int CheckLatentInputs(LatentDenoiseOptions options, int noiseLength, int latentLength)
    {
        CheckSize(options.Width, options.Height, "size");
        if (noiseLength == 0 || noiseLength % latentLength != 0)
            throw new ArgumentException($"initial noise must be a whole number of [4, {options.Height / 8}, {options.Width / 8}] latents; got {noiseLength} values", nameof(options));
        var count = noiseLength / latentLength;
        ValidateLatentBatch(options, count);
        return count;
    }

    // The scheduler is built as Generate builds it: by name with the model's config, or the model's own class.
    private List<IDiffusionScheduler> LatentSchedulers(string? name, int count)
    {
        if (_latentSchedulerName != (name ?? "")) _latentSchedulers.Clear();
        _latentSchedulerName = name ?? "";
        while (_latentSchedulers.Count < count)
            _latentSchedulers.Add(name is null ? SchedulerFactory.FromConfig(_model.SchedulerConfig) : SchedulerFactory.Create(name, _model.SchedulerConfig));
        return _latentSchedulers;
    }

    private static Span<float> Grow(ref float[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new float[length];
        return buffer.AsSpan(0, length);
    }
}
