using Microsoft.ML.OnnxRuntime;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// The VAE encoder of a diffusers ONNX folder (<c>vae_encoder/model.onnx</c>): <c>sample</c> [1, 3, H, W] in −1..1 →
/// <c>latent_sample</c> [1, 4, H/8, W/8] (unscaled; multiply by the scaling factor for the UNet).
/// </summary>
public sealed class VaeEncoder : IDisposable
{
    private readonly VaeModel _vae;

    private VaeEncoder(VaeModel vae) => _vae = vae;

    /// <summary>Opens <paramref name="path"/> and checks its inputs and outputs.</summary>
    /// <exception cref="SynthstageException">The file is missing, corrupt, or not a VAE encoder.</exception>
    public static VaeEncoder Create(string path, SessionOptionsSpec spec) =>
        new(VaeModel.Create(path, spec, "sample", "latent_sample", "a VAE encoder: 'sample' [batch, 3, H, W] → 'latent_sample' [batch, 4, H/8, W/8]"));

    /// <summary>The model file.</summary>
    public string Path => _vae.Path;

    /// <summary>Time spent inside ONNX Runtime's <c>Run</c> for this model.</summary>
    public TimeSpan RunTime => _vae.RunTime;

    /// <summary>Encodes an image into latents.</summary>
    /// <param name="image">Image [1, 3, H, W], float32, −1..1; H and W multiples of 8.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="latents">Receives [1, 4, H/8, W/8], float32, unscaled.</param>
    /// <param name="runOptions">Run options (cancellation).</param>
    public void Encode(ReadOnlySpan<float> image, int height, int width, Span<float> latents, RunOptions runOptions) =>
        _vae.Run(image, [1, 3, height, width], latents, [1, 4, height / 8, width / 8], runOptions);

    /// <inheritdoc />
    public void Dispose() => _vae.Dispose();
}
