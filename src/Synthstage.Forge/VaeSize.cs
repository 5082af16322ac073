namespace Synthstage.Forge;

/// <summary>Size of an AutoencoderKL with SD's structure (diffusers config names in the docs).</summary>
/// <remarks>Every level but the last halves the resolution, so the VAE scale factor is 2^(levels − 1): 8 for both presets.</remarks>
/// <param name="BlockOutChannels">Channels of each level (<c>block_out_channels</c>).</param>
/// <param name="LayersPerBlock">Resnets per encoder block; decoder blocks have one more (<c>layers_per_block</c>).</param>
/// <param name="LatentChannels">Latent channels (<c>latent_channels</c>).</param>
/// <param name="NormGroups">GroupNorm groups (<c>norm_num_groups</c>); must divide every channel count.</param>
/// <param name="ImageChannels">Image channels in and out (<c>in_channels</c>, <c>out_channels</c>).</param>
/// <param name="SampleSize">Nominal image size, written to config.json (<c>sample_size</c>); the graph accepts any size.</param>
/// <param name="ScalingFactor">Latent scaling factor the pipeline applies (<c>scaling_factor</c>), written to config.json.</param>
public sealed record VaeSize(
    IReadOnlyList<int> BlockOutChannels,
    int LayersPerBlock,
    int LatentChannels = 4,
    int NormGroups = 32,
    int ImageChannels = 3,
    int SampleSize = 512,
    float ScalingFactor = 0.18215f)
{
    /// <summary>SD's VAE: levels 128/256/512/512, 2 layers per block, 4 latent channels.</summary>
    public static VaeSize Full { get; } = new([128, 256, 512, 512], 2);

    /// <summary>A narrow VAE that keeps SD's four levels (scale factor 8): levels 32/32/64/64, 1 layer per block.</summary>
    public static VaeSize Tiny { get; } = new([32, 32, 64, 64], 1, SampleSize: 64);

    /// <summary>Image pixels per latent pixel along each axis (2^(levels − 1)).</summary>
    public int ScaleFactor => 1 << (BlockOutChannels.Count - 1);
}
