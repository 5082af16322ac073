using Synthstage.Imaging;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>What to generate: the arguments of diffusers' <c>StableDiffusionPipeline.__call__</c> and its img2img twin.</summary>
/// <remarks>
/// <para>Every value is checked by <see cref="DiffusionInputValidator"/> when <see cref="StableDiffusionPipeline.Generate"/>
/// starts, before any model runs.</para>
/// <para>An empty prompt, or one of only whitespace, is the empty prompt: CLIP encodes it as start and end tokens
/// only, and the image is generated unconditionally (as diffusers does for <c>""</c>). It is not an error.</para>
/// </remarks>
public sealed record StableDiffusionOptions
{
    /// <summary>The text prompt; prompts longer than 77 CLIP tokens are truncated and the dropped text is reported in <see cref="GeneratedImage.Warnings"/>.</summary>
    public string Prompt { get; init; } = "";

    /// <summary>The negative prompt (unconditional branch of classifier-free guidance); empty by default.</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Denoising steps, ≥ 1 (for img2img, the schedule length before <see cref="Strength"/> picks the start).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Classifier-free guidance scale, ≥ 0. At or below 1 guidance is off and the UNet runs once per step on the prompt alone (as for turbo models).</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>Scheduler short name (ddim, pndm, lms, euler, euler-a, dpm++2m, dpm++2m-karras, lcm) configured with the model's scheduler config; null uses the model's own <c>_class_name</c>.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Seed of the torch-compatible generator for the first image; image i uses <c>Seed + i</c>.</summary>
    public ulong Seed { get; init; }

    /// <summary>Images to generate, each with its own seed.</summary>
    public int Count { get; init; } = 1;

    /// <summary>Width in pixels, a multiple of 8.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Height in pixels, a multiple of 8.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Image-to-image: the init image, exactly <see cref="Width"/>×<see cref="Height"/> (use <see cref="RgbImage.Resize"/>). Null for text-to-image.</summary>
    public RgbImage? InitImage { get; init; }

    /// <summary>
    /// Image-to-image strength, 0..1: the fraction of the schedule that is run (diffusers' <c>get_timesteps</c>).
    /// 0 runs no step and returns decode(encode(init)); 1 starts from pure noise.
    /// </summary>
    public double Strength { get; init; } = 0.8;

    /// <summary>
    /// Run the unconditional and text halves of guidance as two batch-1 UNet calls instead of one batched call.
    /// Automatic for UNets exported with a static batch of 1; otherwise slower, useful to test or to cap memory.
    /// </summary>
    public bool SeparateGuidanceCalls { get; init; }

    /// <summary>Called after every denoising step with the image's latents (diffusers' <c>callback_on_step_end</c>), or null.</summary>
    public DenoisingStepCallback? OnStepEnd { get; init; }

    /// <summary>
    /// Receives a cheap RGB preview of the latents after every step of every image (<see cref="LatentPreview"/>, no
    /// model run), or null. Each report carries its own picture, so an <see cref="Progress{T}"/> that hands it to a UI
    /// thread later is safe.
    /// </summary>
    public IProgress<DiffusionPreview>? Preview { get; init; }

    /// <summary>Nearest-neighbour enlargement of <see cref="Preview"/>'s latent-resolution picture (2 gives 128×128 for 512²).</summary>
    public int PreviewScale { get; init; } = 2;

    /// <summary>The settings the denoising loop takes from these options.</summary>
    internal LatentDenoiseOptions DenoiseSettings() => new()
    {
        Width = Width,
        Height = Height,
        Steps = Steps,
        GuidanceScale = GuidanceScale,
        Scheduler = Scheduler,
        SeparateGuidanceCalls = SeparateGuidanceCalls,
        OnStepEnd = OnStepEnd,
        Preview = Preview,
        PreviewScale = PreviewScale,
    };
}
