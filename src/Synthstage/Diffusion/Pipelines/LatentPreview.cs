using Synthstage.Imaging;

namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// A cheap picture of latents while they denoise: each latent pixel's 4 channels go through a fixed linear map to RGB
/// (rgb = Σ_c latent_c · factor_c + bias, then (rgb + 1) / 2 clamped to 0..1 × 255), with no model run, at latent
/// resolution or enlarged by nearest neighbour.
/// </summary>
/// <remarks>
/// The map works on latents as the UNet sees them (scaled by the VAE's scaling factor), which is what
/// <see cref="DenoisingStep.Latents"/> holds. Rendering into a caller buffer allocates nothing, so a preview per step
/// costs a few microseconds at 64×64 latents.
/// </remarks>
public sealed class LatentPreview
{
    private readonly float[] _factors;
    private readonly float[] _bias;

    /// <summary>Creates a projection from a 4×3 matrix (row per latent channel, columns R, G, B) and an RGB bias.</summary>
    /// <exception cref="ArgumentException">The matrix is not 4×3 or the bias has not 3 values.</exception>
    public LatentPreview(float[,] factors, ReadOnlySpan<float> bias)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.GetLength(0) != 4 || factors.GetLength(1) != 3)
            throw new ArgumentException($"expected a 4×3 matrix, got {factors.GetLength(0)}×{factors.GetLength(1)}", nameof(factors));
        if (bias.Length != 3) throw new ArgumentException($"expected 3 bias values, got {bias.Length}", nameof(bias));
        _factors = new float[12];
        for (var c = 0; c < 4; c++)
            for (var k = 0; k < 3; k++) _factors[3 * c + k] = factors[c, k];
        _bias = bias.ToArray();
    }

    /// <summary>
    /// Stable Diffusion 1.x: the latent-to-RGB factors ComfyUI publishes for its SD15 latent format
    /// (comfy/latent_formats.py, <c>SD15.latent_rgb_factors</c>), with no bias.
    /// </summary>
    public static LatentPreview StableDiffusion1 { get; } = new(new[,]
    {
        { 0.3512f, 0.2297f, 0.3227f },
        { 0.3250f, 0.4974f, 0.2350f },
        { -0.2829f, 0.1762f, 0.2721f },
        { -0.2120f, -0.2616f, -0.7177f },
    }, [0f, 0f, 0f]);

    /// <summary>Bytes of a preview of <paramref name="latentWidth"/>×<paramref name="latentHeight"/> latents enlarged <paramref name="scale"/> times.</summary>
    public static int ByteCount(int latentWidth, int latentHeight, int scale = 1) => 3 * latentWidth * scale * latentHeight * scale;

    /// <summary>Projects latents [1, 4, h, w] to an RGB8 image of (w·scale)×(h·scale), rows top first.</summary>
    /// <param name="latents">Planar latents, 4 · h · w values.</param>
    /// <param name="latentHeight">h.</param>
    /// <param name="latentWidth">w.</param>
    /// <param name="rgb">Receives <see cref="ByteCount"/> bytes.</param>
    /// <param name="scale">Nearest-neighbour enlargement, ≥ 1 (2 gives 128×128 for a 512² image).</param>
    public void Render(ReadOnlySpan<float> latents, int latentHeight, int latentWidth, Span<byte> rgb, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(scale, 1);
        var plane = latentHeight * latentWidth;
        if (latents.Length != 4 * plane)
            throw new ArgumentException($"expected {4 * plane} latent values for 4×{latentHeight}×{latentWidth}, got {latents.Length}", nameof(latents));
        if (rgb.Length != ByteCount(latentWidth, latentHeight, scale))
            throw new ArgumentException($"expected room for {ByteCount(latentWidth, latentHeight, scale)} bytes, got {rgb.Length}", nameof(rgb));
        var outWidth = latentWidth * scale;
        for (var y = 0; y < latentHeight; y++)
        {
            for (var x = 0; x < latentWidth; x++)
            {
                var p = y * latentWidth + x;
                float l0 = latents[p], l1 = latents[plane + p], l2 = latents[2 * plane + p], l3 = latents[3 * plane + p];
                var r = ToByte(l0 * _factors[0] + l1 * _factors[3] + l2 * _factors[6] + l3 * _factors[9] + _bias[0]);
                var g = ToByte(l0 * _factors[1] + l1 * _factors[4] + l2 * _factors[7] + l3 * _factors[10] + _bias[1]);
                var b = ToByte(l0 * _factors[2] + l1 * _factors[5] + l2 * _factors[8] + l3 * _factors[11] + _bias[2]);
                for (var dy = 0; dy < scale; dy++)
                {
                    var row = (y * scale + dy) * outWidth;
                    for (var dx = 0; dx < scale; dx++)
                    {
                        var o = 3 * (row + x * scale + dx);
                        rgb[o] = r;
                        rgb[o + 1] = g;
                        rgb[o + 2] = b;
                    }
                }
            }
        }
    }

    /// <summary>The preview of one denoising step's latents as a new image.</summary>
    public RgbImage Render(DenoisingStep step, int scale = 1)
    {
        var rgb = new byte[ByteCount(step.LatentWidth, step.LatentHeight, scale)];
        Render(step.Latents, step.LatentHeight, step.LatentWidth, rgb, scale);
        return new RgbImage(step.LatentWidth * scale, step.LatentHeight * scale, rgb);
    }

    // (v + 1) / 2 clamped to 0..1, × 255 rounded: the VAE's own output mapping, so the preview's levels match the final image's.
    private static byte ToByte(float v) => (byte)MathF.Round(Math.Clamp((v + 1f) / 2f, 0f, 1f) * 255f);
}
