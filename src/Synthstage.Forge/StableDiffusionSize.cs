namespace Synthstage.Forge;

/// <summary>Sizes of the three networks of a Stable Diffusion folder.</summary>
/// <param name="TextEncoder">CLIP text transformer.</param>
/// <param name="UNet">Denoising UNet; its <see cref="UNetSize.CrossAttentionDim"/> must equal the text encoder's hidden size.</param>
/// <param name="Vae">AutoencoderKL; its latent channels must equal the UNet's in and out channels.</param>
public sealed record StableDiffusionSize(ClipTextSize TextEncoder, UNetSize UNet, VaeSize Vae)
{
    /// <summary>SD 1.5 at its published size.</summary>
    public static StableDiffusionSize Full { get; } = new(ClipTextSize.Full, UNetSize.Full, VaeSize.Full);

    /// <summary>SD 1.5's structure at test size (text encoder and cross-attention 32 wide instead of 768).</summary>
    public static StableDiffusionSize Tiny { get; } = new(ClipTextSize.Tiny, UNetSize.Tiny, VaeSize.Tiny);

    /// <summary>The preset of <paramref name="architecture"/> at <paramref name="scale"/>.</summary>
    /// <param name="architecture">Architecture name; only <c>sd15</c> is known (case-insensitive).</param>
    /// <param name="scale">Preset name: <c>tiny</c> or <c>full</c> (case-insensitive).</param>
    /// <exception cref="SynthstageException">The architecture or the scale is unknown; the message lists the known ones.</exception>
    public static StableDiffusionSize Preset(string architecture, string scale)
    {
        var parsed = scale?.ToLowerInvariant() switch
        {
            "tiny" => ForgeScale.Tiny,
            "full" => ForgeScale.Full,
            _ => throw new SynthstageException($"Unknown forge scale '{scale}'; expected one of: tiny, full.", ExitCodes.Usage),
        };
        return Preset(architecture, parsed);
    }

    /// <summary>The preset of <paramref name="architecture"/> at <paramref name="scale"/>.</summary>
    /// <param name="architecture">Architecture name; only <c>sd15</c> is known (case-insensitive).</param>
    /// <param name="scale">Size preset.</param>
    /// <exception cref="SynthstageException">The architecture or the scale is unknown; the message lists the known ones.</exception>
    public static StableDiffusionSize Preset(string architecture, ForgeScale scale)
    {
        if (!string.Equals(architecture, "sd15", StringComparison.OrdinalIgnoreCase))
            throw new SynthstageException($"Unknown forge architecture '{architecture}'; expected one of: sd15.", ExitCodes.Usage);
        return scale switch
        {
            ForgeScale.Tiny => Tiny,
            ForgeScale.Full => Full,
            _ => throw new SynthstageException($"Unknown forge scale '{scale}'; expected one of: tiny, full.", ExitCodes.Usage),
        };
    }
}
