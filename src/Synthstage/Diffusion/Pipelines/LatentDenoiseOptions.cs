namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// Settings shared by a batch of <see cref="StableDiffusionPipeline.GenerateFromLatents"/>: the same meaning and
/// defaults as the matching <see cref="StableDiffusionOptions"/>, without prompts and seeds (the caller supplies
/// embeddings and noise).
/// </summary>
public sealed record LatentDenoiseOptions
{
    /// <summary>Width in pixels, a multiple of 8.</summary>
    public int Width { get; init; } = 512;

    /// <summary>Height in pixels, a multiple of 8.</summary>
    public int Height { get; init; } = 512;

    /// <summary>Denoising steps, ≥ 1.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Classifier-free guidance scale, ≥ 0; at or below 1 the negative embeddings are not used.</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>Scheduler short name, or null for the model's own <c>_class_name</c>.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Run each UNet row as its own call (see <see cref="StableDiffusionOptions.SeparateGuidanceCalls"/>).</summary>
    public bool SeparateGuidanceCalls { get; init; }

    /// <summary>Called after every denoising step of every image of the batch, or null.</summary>
    public DenoisingStepCallback? OnStepEnd { get; init; }

    /// <summary>Receives an RGB preview after every step of every image of the batch, or null (see <see cref="StableDiffusionOptions.Preview"/>).</summary>
    public IProgress<DiffusionPreview>? Preview { get; init; }

    /// <summary>Nearest-neighbour enlargement of the preview.</summary>
    public int PreviewScale { get; init; } = 2;
}
