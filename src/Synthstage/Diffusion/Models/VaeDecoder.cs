using Microsoft.ML.OnnxRuntime;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// The VAE decoder of a diffusers ONNX folder (<c>vae_decoder/model.onnx</c>): <c>latent_sample</c> [1, 4, h, w]
/// (already divided by the scaling factor) → <c>sample</c> [1, 3, 8h, 8w] in about −1..1.
/// </summary>
/// <remarks>The session is created once; tensors of the last latent size are kept and reused.</remarks>
public sealed class VaeDecoder : IDisposable
{
    private readonly VaeModel _vae;

    private VaeDecoder(VaeModel vae) => _vae = vae;

    /// <summary>Opens <paramref name="path"/> and checks its inputs and outputs.</summary>
    /// <exception cref="SynthstageException">The file is missing, corrupt, or not a VAE decoder.</exception>
    public static VaeDecoder Create(string path, SessionOptionsSpec spec) =>
        new(VaeModel.Create(path, spec, "latent_sample", "sample", "a VAE decoder: 'latent_sample' [batch, 4, h, w] → 'sample' [batch, 3, 8h, 8w]"));

    /// <summary>The model file.</summary>
    public string Path => _vae.Path;

    /// <summary>Time spent inside ONNX Runtime's <c>Run</c> for this model.</summary>
    public TimeSpan RunTime => _vae.RunTime;

    /// <summary>Decodes latents into an image.</summary>
    /// <param name="latents">Latents [1, 4, h, w], float32, already multiplied by 1 / scaling_factor.</param>
    /// <param name="latentHeight">h.</param>
    /// <param name="latentWidth">w.</param>
    /// <param name="image">Receives the image [1, 3, 8h, 8w], float32, about −1..1 (not clamped).</param>
    /// <param name="runOptions">Run options (cancellation).</param>
    public void Decode(ReadOnlySpan<float> latents, int latentHeight, int latentWidth, Span<float> image, RunOptions runOptions) =>
        _vae.Run(latents, [1, 4, latentHeight, latentWidth], image, [1, 3, latentHeight * 8, latentWidth * 8], runOptions);

    /// <inheritdoc />
    public void Dispose() => _vae.Dispose();
}
