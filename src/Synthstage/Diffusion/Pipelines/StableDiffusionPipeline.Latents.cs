using Microsoft.ML.OnnxRuntime;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Diffusion.Pipelines;

// The lower-level entry points for callers that prepare their own latents and text embeddings (walk videos):
// encode a prompt once, then denoise a batch of images from given noise and embeddings. With the same noise,
// embeddings and settings they compute exactly what Generate computes, bit for bit: both run Denoise.
public sealed partial class StableDiffusionPipeline
{
    private float[] _latents = [];

    /// <summary>Values in one prompt's text embeddings: <c>77 × W</c> (the text encoder's sequence length times its width).</summary>
    /// <remarks>Known once a prompt has been encoded when the export leaves the width symbolic; 0 until then.</remarks>
    public int EmbeddingLength => _model.TextEncoder.HiddenSize * _model.TextEncoder.SequenceLength;

    /// <summary>Encodes one prompt to CLIP hidden states, exactly as <see cref="Generate"/> encodes its prompt and negative prompt.</summary>
    /// <param name="prompt">The text; empty is the unconditional prompt. Text past 75 tokens is dropped (see <see cref="TruncationWarning(string, string)"/>) and reported as progress detail.</param>
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
            return EncodePrompt(prompt, "prompt", runOptions, progress, null);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    /// <summary>
    /// Denoises N images at once from caller-made initial noise and text embeddings and decodes them into
    /// <paramref name="rgb"/>: steps 3 to 6 of <see cref="Generate"/> for a batch (one UNet call per step for all N, or
    /// 2N rows with guidance: [uncond₀ … uncondₙ₋₁, text₀ … textₙ₋₁]), like diffusers' <c>__call__</c> given
    /// <c>latents=</c> and <c>prompt_embeds=</c>.
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
        DiffusionInputValidator.CheckSize(options.Width, options.Height);
        int latentHeight = options.Height / 8, latentWidth = options.Width / 8;
        var latentLength = 4 * latentHeight * latentWidth;
        if (initialNoise.Length == 0 || initialNoise.Length % latentLength != 0)
            throw new ArgumentException($"initial noise must be a whole number of [4, {latentHeight}, {latentWidth}] latents; got {initialNoise.Length} values", nameof(initialNoise));
        var count = initialNoise.Length / latentLength;
        ValidateLatentBatch(options, count);
        if (textEmbeddings.Length == 0 || textEmbeddings.Length % count != 0)
            throw new ArgumentException($"expected {count} text embeddings, got {textEmbeddings.Length} values", nameof(textEmbeddings));
        var embeddingLength = textEmbeddings.Length / count;
        if (embeddingLength % _model.TextEncoder.SequenceLength != 0)
            throw new ArgumentException($"a text embedding must be {_model.TextEncoder.SequenceLength} × width values, got {embeddingLength}", nameof(textEmbeddings));
        if (UsesUnconditionalBatch(options.GuidanceScale) && negativeEmbeddings.Length != textEmbeddings.Length)
            throw new ArgumentException($"expected {textEmbeddings.Length} negative embedding values, got {negativeEmbeddings.Length}", nameof(negativeEmbeddings));
        if (stepNoise.Count != count)
            throw new ArgumentException($"expected {count} step noise sources, got {stepNoise.Count}", nameof(stepNoise));
        var pixels = options.Width * options.Height * 3;
        if (rgb.Length != count * pixels)
            throw new ArgumentException($"expected room for {count} images of {pixels} bytes, got {rgb.Length}", nameof(rgb));
        var schedulers = Schedulers(options.Scheduler, count);

        using var runOptions = new RunOptions();
        using var cancelRegistration = ct.Register(() => runOptions.Terminate = true);
        try
        {
            // 2. Set timesteps and prepare latents: noise × init_noise_sigma, one scheduler per image.
            var latents = Grow(ref _latents, count * latentLength);
            for (var i = 0; i < count; i++)
            {
                schedulers[i].SetTimesteps(options.Steps);
                PrepareTextToImage(schedulers[i], initialNoise.Slice(i * latentLength, latentLength), latents.Slice(i * latentLength, latentLength));
            }

            // 3. Denoise the batch, one UNet call per step.
            var steps = schedulers[0].Timesteps.Count;
            Denoise(options, new DenoiseBatch(latents, textEmbeddings, negativeEmbeddings, schedulers, stepNoise, 0, steps, 0, default), runOptions, ct);

            // 4. Decode each image.
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

    /// <summary>
    /// Checks <see cref="GenerateFromLatents"/>'s options against this model before anything runs: size, steps, guidance,
    /// memory for <paramref name="batch"/> images, the scheduler name, and that the UNet can take the batch.
    /// </summary>
    /// <exception cref="SynthstageException">A value is out of range, the scheduler is unknown, or the UNet's static batch cannot take <paramref name="batch"/> images.</exception>
    public void ValidateLatentBatch(LatentDenoiseOptions options, int batch)
    {
        DiffusionInputValidator.Check(options, batch);
        DiffusionInputValidator.CheckModel(_model, options, batch);
    }
}
