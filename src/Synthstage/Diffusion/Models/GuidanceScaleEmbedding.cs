namespace Synthstage.Diffusion.Models;

/// <summary>
/// The guidance-scale embedding a latent consistency model's UNet takes as <c>timestep_cond</c>: diffusers'
/// <c>LatentConsistencyModelPipeline.get_guidance_scale_embedding</c> (from VDM's timestep embedding), in float32 as
/// diffusers computes it.
/// </summary>
/// <remarks>
/// With w = (guidance − 1) · 1000, h = ⌊dim / 2⌋ and f_i = exp(−i · ln(10000) / (h − 1)) for i &lt; h, the embedding
/// is [sin(w·f_0) … sin(w·f_{h−1}), cos(w·f_0) … cos(w·f_{h−1})], with one zero appended when dim is odd. LCM distils
/// classifier-free guidance into the model, so the "− 1" maps the Imagen-style scale users pass (as for SD) to the
/// paper's w.
/// </remarks>
public static class GuidanceScaleEmbedding
{
    /// <summary>Writes the embedding of <paramref name="guidanceScale"/> into <paramref name="destination"/> (its length is the embedding width).</summary>
    /// <param name="guidanceScale">The guidance scale as for SD (LCM Dreamshaper's default is 8.5).</param>
    /// <param name="destination">Receives time_cond_proj_dim values.</param>
    /// <exception cref="ArgumentException">The width is below 2 (the frequencies divide by h − 1, which would be 0 or less).</exception>
    public static void Compute(float guidanceScale, Span<float> destination)
    {
        var half = destination.Length / 2;
        if (half < 2)
            throw new ArgumentException($"the guidance embedding needs a width of at least 4; got {destination.Length}", nameof(destination));
        // torch.tensor(guidance_scale - 1) subtracts in Python floats (double), then stores float32; × 1000.0 stays float32.
        var w = (float)((double)guidanceScale - 1.0) * 1000f;
        // torch.log(torch.tensor(10000.0)) / (half_dim − 1), all float32.
        var step = MathF.Log(10000f) / (half - 1);
        for (var i = 0; i < half; i++)
        {
            var frequency = MathF.Exp(i * -step);
            var argument = w * frequency;
            destination[i] = MathF.Sin(argument);
            destination[half + i] = MathF.Cos(argument);
        }
        if (destination.Length % 2 == 1) destination[^1] = 0f;
    }
}
