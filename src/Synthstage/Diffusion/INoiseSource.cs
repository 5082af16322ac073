namespace Synthstage.Diffusion;

/// <summary>
/// A stream of standard normal samples (mean 0, standard deviation 1), the C# counterpart of the
/// <c>generator</c> argument diffusers passes to schedulers and latent preparation.
/// </summary>
/// <remarks>
/// Schedulers own no random state: ancestral and consistency samplers draw their per-step noise from the
/// source the caller hands to <c>Step</c>, so one seeded source reproduces a whole run.
/// </remarks>
public interface INoiseSource
{
    /// <summary>
    /// Fills <paramref name="destination"/> with the next standard normal float32 samples of the stream,
    /// as one <c>torch.randn</c> call of <c>destination.Length</c> elements would.
    /// </summary>
    /// <param name="destination">Receives the samples; its length is the number of elements drawn.</param>
    void FillStandardNormal(Span<float> destination);
}
