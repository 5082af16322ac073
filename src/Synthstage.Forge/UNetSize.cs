namespace Synthstage.Forge;

/// <summary>Size of a UNet2DConditionModel with SD 1.5's structure (diffusers config names in the docs).</summary>
/// <remarks>
/// The block layout generalises SD 1.5 to any number of levels: by default every down level but the last is a
/// CrossAttnDownBlock2D and the last a DownBlock2D, then UNetMidBlock2DCrossAttn, then the up blocks mirror the down
/// blocks (UpBlock2D, then CrossAttnUpBlock2D). <see cref="CrossAttentionLevels"/> chooses per level instead, as
/// diffusers' <c>down_block_types</c> does. Every level but the last halves the resolution.
/// </remarks>
/// <param name="BlockOutChannels">Channels of each level (<c>block_out_channels</c>).</param>
/// <param name="LayersPerBlock">Resnets per down block; up blocks have one more (<c>layers_per_block</c>).</param>
/// <param name="AttentionHeads">Heads of every attention layer; the head width is the level's channels divided by this
/// (SD 1.5's <c>attention_head_dim</c> 8 is really a head count).</param>
/// <param name="CrossAttentionDim">Width of <c>encoder_hidden_states</c> (<c>cross_attention_dim</c>); the text encoder's hidden size.</param>
/// <param name="NormGroups">GroupNorm groups (<c>norm_num_groups</c>); must divide every channel count.</param>
/// <param name="InChannels">Latent channels in (<c>in_channels</c>).</param>
/// <param name="OutChannels">Channels of <c>out_sample</c> (<c>out_channels</c>).</param>
/// <param name="TransformerLayers">BasicTransformerBlocks per Transformer2DModel (<c>transformer_layers_per_block</c>).</param>
/// <param name="SampleSize">Nominal latent size, written to config.json (<c>sample_size</c>); the graph accepts any size.</param>
/// <param name="AttentionHeadDim">When set, every attention layer uses heads of this width (SD 2.x uses 64), so
/// the head count grows with the level's channels and <paramref name="AttentionHeads"/> is ignored.</param>
/// <param name="CrossAttentionLevels">Per level, whether its down block (and the mirrored up block) has transformers;
/// null means SD 1.5's layout (all levels but the last).</param>
public sealed record UNetSize(
    IReadOnlyList<int> BlockOutChannels,
    int LayersPerBlock,
    int AttentionHeads,
    int CrossAttentionDim,
    int NormGroups = 32,
    int InChannels = 4,
    int OutChannels = 4,
    int TransformerLayers = 1,
    int SampleSize = 64,
    IReadOnlyList<bool>? CrossAttentionLevels = null,
    int? AttentionHeadDim = null)
{
    /// <summary>SD 1.5: levels 320/640/1280/1280, 2 layers per block, 8 heads, cross-attention 768.</summary>
    public static UNetSize Full { get; } = new([320, 640, 1280, 1280], 2, 8, 768);

    /// <summary>
    /// diffusers' tiny test UNet (hf-internal-testing's tiny SD pipe): levels 32/64 as DownBlock2D then
    /// CrossAttnDownBlock2D, 2 layers per block, cross-attention 32, here with 2 heads. Attention at the first level
    /// would dominate its run time (4,096 tokens at 64×64 latents), which is why diffusers' tiny model has none there.
    /// </summary>
    public static UNetSize Tiny { get; } = new([32, 64], 2, 2, 32, SampleSize: 32, CrossAttentionLevels: [false, true]);

    /// <summary>Whether down level <paramref name="level"/> (and the up block that mirrors it) has cross-attention transformers.</summary>
    public bool HasCrossAttention(int level) =>
        CrossAttentionLevels is { } levels ? levels[level] : level < BlockOutChannels.Count - 1;

    /// <summary>Attention heads of a layer with <paramref name="channels"/> channels.</summary>
    public int HeadsFor(int channels) => AttentionHeadDim is { } headDim ? channels / headDim : AttentionHeads;

    /// <summary>Width of the sinusoidal timestep projection (the first level's channels, as in diffusers).</summary>
    public int TimeProjectionDim => BlockOutChannels[0];

    /// <summary>Width of the timestep embedding fed to every resnet (4 × the first level's channels).</summary>
    public int TimeEmbeddingDim => 4 * BlockOutChannels[0];
}
