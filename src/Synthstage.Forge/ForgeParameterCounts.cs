namespace Synthstage.Forge;

/// <summary>Trainable parameter counts of a forged SD folder, counted from the initializers the forge marks as parameters.</summary>
/// <param name="TextEncoder">CLIP text model (embeddings, layers, final LayerNorm; no position-id buffer, no causal mask).</param>
/// <param name="UNet">UNet2DConditionModel.</param>
/// <param name="VaeEncoder">AutoencoderKL encoder plus quant_conv.</param>
/// <param name="VaeDecoder">AutoencoderKL decoder plus post_quant_conv.</param>
public sealed record ForgeParameterCounts(long TextEncoder, long UNet, long VaeEncoder, long VaeDecoder)
{
    /// <summary>The whole AutoencoderKL: encoder, decoder, quant_conv and post_quant_conv.</summary>
    public long Vae => VaeEncoder + VaeDecoder;

    /// <summary>All four models together.</summary>
    public long Total => TextEncoder + UNet + Vae;
}
