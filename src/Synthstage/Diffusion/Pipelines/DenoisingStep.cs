namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// One image's state after one denoising step, handed to <see cref="DenoisingStepCallback"/> (diffusers'
/// <c>callback_on_step_end</c>): which image and step, the timestep just taken and the latents it produced.
/// </summary>
/// <remarks>
/// <see cref="Latents"/> is a view of the pipeline's working buffer, valid only during the callback: copy what you
/// keep. Being a ref struct, a step costs no allocation whether or not anyone listens.
/// </remarks>
public readonly ref struct DenoisingStep
{
    internal DenoisingStep(int image, int step, int steps, float timestep, ReadOnlySpan<float> latents, int latentHeight, int latentWidth)
    {
        LatentHeight = latentHeight;
        LatentWidth = latentWidth;
        Image = image;
        Step = step;
        Steps = steps;
        Timestep = timestep;
        Latents = latents;
    }

    /// <summary>Index of the image: its position in the batch (<c>GenerateFromLatents</c>) or after the first seed (<c>Generate</c>).</summary>
    public int Image { get; }

    /// <summary>Steps done for this image, 1 to <see cref="Steps"/>.</summary>
    public int Step { get; }

    /// <summary>Steps this image runs (for img2img, those left after the strength picked the start).</summary>
    public int Steps { get; }

    /// <summary>The timestep the scheduler just stepped from.</summary>
    public float Timestep { get; }

    /// <summary>The latents [1, 4, H/8, W/8] after the step, scaled as the UNet sees them (decode ÷ scaling factor).</summary>
    public ReadOnlySpan<float> Latents { get; }

    /// <summary>H/8: rows of <see cref="Latents"/>.</summary>
    public int LatentHeight { get; }

    /// <summary>W/8: columns of <see cref="Latents"/>.</summary>
    public int LatentWidth { get; }
}
