using Synthstage.Imaging;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// A live preview of one image after one denoising step, reported through <see cref="IProgress{T}"/>
/// (<see cref="StableDiffusionOptions.Preview"/>): the studio shows it as the image forms, <c>generate --preview</c>
/// writes it to a file. The picture is <see cref="LatentPreview"/>'s linear projection of the latents: no model runs.
/// </summary>
/// <param name="Image">Index of the image: its position in the batch or after the first seed.</param>
/// <param name="Step">Steps done for this image, 1 to <paramref name="Steps"/>.</param>
/// <param name="Steps">Steps this image runs.</param>
/// <param name="Picture">The preview, latent resolution × <see cref="StableDiffusionOptions.PreviewScale"/>; the receiver's own copy, safe to keep.</param>
public sealed record DiffusionPreview(int Image, int Step, int Steps, RgbImage Picture);
