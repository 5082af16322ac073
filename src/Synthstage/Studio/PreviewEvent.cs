namespace Synthstage.Studio;

/// <summary>Something a preview run did: a denoising step (with its latent picture), or how it ended.</summary>
/// <param name="Kind">"step", "done", "stopped" or "error".</param>
/// <param name="Step">Steps done (1 to <paramref name="Steps"/>) for a step; the last step seen otherwise.</param>
/// <param name="Steps">Steps the image runs (0 before the first step).</param>
/// <param name="Png">The step's <see cref="Diffusion.Pipelines.LatentPreview"/> picture as PNG bytes, for a step.</param>
/// <param name="Message">The one-line error, or a note (the scene came from the cache).</param>
public sealed record PreviewEvent(string Kind, int Step, int Steps, byte[]? Png, string? Message);
