using System.Globalization;
using Synthstage.Diffusion.Models;
using Synthstage.Diffusion.Schedulers;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// The one check of diffusion inputs, shared by text-to-image, image-to-image, denoising from given latents and walk
/// videos, so every entry point refuses the same values with the same words, before any model runs.
/// </summary>
/// <remarks>
/// Messages name the value and the valid range, print numbers culture-invariantly, and carry
/// <see cref="ExitCodes.Usage"/> (bad model files: <see cref="ExitCodes.BadModel"/>). The checks without a model
/// let a front end refuse input before spending time loading one.
/// </remarks>
public static class DiffusionInputValidator
{
    /// <summary>Largest accepted width or height in pixels.</summary>
    public const int MaxSide = 8192;

    /// <summary>Width and height: 8 to <see cref="MaxSide"/> pixels and multiples of 8 (the error suggests the nearest size).</summary>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="what">What the size belongs to, for the message ("size", "init image").</param>
    /// <exception cref="SynthstageException">The size is out of range or not a multiple of 8.</exception>
    public static void CheckSize(int width, int height, string what = "size")
    {
        if (width < 8 || height < 8 || width > MaxSide || height > MaxSide)
            throw new SynthstageException(Invariant($"{what} {width}×{height} is out of range; width and height must be 8 to {MaxSide} pixels"), ExitCodes.Usage);
        if (width % 8 != 0 || height % 8 != 0)
            throw new SynthstageException(
                Invariant($"{what} {width}×{height}: width and height must be multiples of 8 (the VAE downsamples by 8); try {Nearest8(width)}×{Nearest8(height)}"),
                ExitCodes.Usage);
    }

    /// <summary>
    /// What every denoising run needs, size first: the size, steps ≥ 1, a finite guidance ≥ 0, and memory for the
    /// UNet's attention over <paramref name="unetRows"/> latents per call.
    /// </summary>
    /// <exception cref="SynthstageException">A value is out of range or the size cannot fit in memory.</exception>
    public static void CheckDenoising(int width, int height, int steps, float guidanceScale, int unetRows)
    {
        CheckSize(width, height);
        if (steps < 1)
            throw new SynthstageException(Invariant($"steps must be at least 1; got {steps}"), ExitCodes.Usage);
        if (!float.IsFinite(guidanceScale) || guidanceScale < 0)
            throw new SynthstageException(Invariant($"guidance must be a number ≥ 0 (≤ 1 turns guidance off); got {guidanceScale}"), ExitCodes.Usage);
        CheckMemory(width, height, unetRows);
    }

    private static void CheckPreviewScale(int scale)
    {
        if (scale is < 1 or > 16) throw new SynthstageException(Invariant($"the preview scale must be 1 to 16; got {scale}"), ExitCodes.Usage);
    }

    /// <summary>Everything about <paramref name="options"/> that does not depend on a model.</summary>
    /// <exception cref="SynthstageException">An option is out of range; the message names it and the valid range.</exception>
    public static void Check(StableDiffusionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Prompt is null) throw new SynthstageException("prompt must not be null; pass \"\" for unconditional generation", ExitCodes.Usage);
        if (options.NegativePrompt is null) throw new SynthstageException("negative prompt must not be null; pass \"\" for none", ExitCodes.Usage);
        CheckSize(options.Width, options.Height);
        if (options.Count < 1)
            throw new SynthstageException(Invariant($"count must be at least 1; got {options.Count}"), ExitCodes.Usage);
        if (options.InitImage is { } init)
        {
            if (!double.IsFinite(options.Strength) || options.Strength is < 0 or > 1)
                throw new SynthstageException(Invariant($"strength must be between 0 and 1; got {options.Strength}"), ExitCodes.Usage);
            if (init.Width != options.Width || init.Height != options.Height)
                throw new SynthstageException(Invariant($"init image is {init.Width}×{init.Height} but the requested size is {options.Width}×{options.Height}; resize it first"), ExitCodes.Usage);
            if (init.Pixels.Length != init.Width * init.Height * 3)
                throw new SynthstageException(Invariant($"init image has {init.Pixels.Length} bytes; expected {init.Width}×{init.Height}×3 RGB"), ExitCodes.BadInput);
        }
        CheckPreviewScale(options.PreviewScale);
        CheckDenoising(options.Width, options.Height, options.Steps, options.GuidanceScale, UNetRows(options.GuidanceScale, options.SeparateGuidanceCalls, 1));
    }

    /// <summary>Everything about a batch of <paramref name="batch"/> images denoised from given latents that does not depend on a model.</summary>
    /// <exception cref="SynthstageException">A value is out of range or the batch cannot fit in memory.</exception>
    public static void Check(LatentDenoiseOptions options, int batch)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        CheckPreviewScale(options.PreviewScale);
        CheckDenoising(options.Width, options.Height, options.Steps, options.GuidanceScale, UNetRows(options.GuidanceScale, options.SeparateGuidanceCalls, batch));
    }

    /// <summary>
    /// What depends on the model: steps within its training timesteps, a known scheduler name, a UNet that can take
    /// <paramref name="batch"/> images per call, and a VAE encoder for image-to-image.
    /// </summary>
    /// <exception cref="SynthstageException">The model cannot run these settings.</exception>
    public static void CheckModel(StableDiffusionModel model, LatentDenoiseOptions options, int batch, bool imageToImage = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var trainSteps = model.SchedulerConfig.NumTrainTimesteps ?? 1000;
        if (options.Steps > trainSteps)
            throw new SynthstageException(Invariant($"steps must be at most the model's {trainSteps} training timesteps; got {options.Steps}"), ExitCodes.Usage);
        if (options.Scheduler is not null) SchedulerFactory.Create(options.Scheduler, model.SchedulerConfig);
        if (batch > 1 && model.UNet.StaticBatch is { } fixedBatch)
            throw new SynthstageException(
                Invariant($"'{model.UNet.Path}' is exported with a static batch of {fixedBatch}; rendering {batch} images per call needs a UNet with a dynamic batch dimension (use a batch of 1)"),
                ExitCodes.BadModel);
        if (imageToImage && !model.HasVaeEncoder)
            throw new SynthstageException($"'{model.Folder}' has no vae_encoder/model.onnx; image-to-image needs it", ExitCodes.BadModel);
    }

    /// <summary>Latents per UNet call: twice the batch for batched classifier-free guidance.</summary>
    internal static int UNetRows(float guidanceScale, bool separateGuidanceCalls, int batch) =>
        guidanceScale > 1f && !separateGuidanceCalls ? 2 * batch : batch;

    /// <summary>
    /// Refuses sizes whose largest working tensor cannot fit: the UNet's first self-attention holds
    /// rows × heads × N² float scores (N = latent pixels, 8 heads for SD 1.x), twice over (scores and softmax).
    /// </summary>
    private static void CheckMemory(int width, int height, int rows)
    {
        double tokens = (double)(width / 8) * (height / 8);
        double needed = 2.0 * rows * 8 * tokens * tokens * sizeof(float);
        var available = AvailableMemory.Bytes();
        if (needed > available)
            throw new SynthstageException(
                Invariant($"{width}×{height} needs about {needed / (1L << 30):0.0} GB for the UNet's attention but only {available / (double)(1L << 30):0.0} GB is available; use a smaller size"),
                ExitCodes.Usage);
    }

    private static int Nearest8(int value) => Math.Max(8, (value + 4) / 8 * 8);

    private static string Invariant(FormattableString message) => message.ToString(CultureInfo.InvariantCulture);
}
