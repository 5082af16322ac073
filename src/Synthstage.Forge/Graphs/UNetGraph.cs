using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Forge.Graphs;

/// <summary>
/// UNet2DConditionModel with SD 1.5's structure generalised to any number of levels (see <see cref="UNetSize"/>).
/// Parameter names follow diffusers' state dict.
/// </summary>
/// <remarks>
/// I/O: <c>sample</c> [batch, in, height, width] float, <c>timestep</c> [batch] int64 or float,
/// <c>encoder_hidden_states</c> [batch, sequence length, cross-attention dim] float → <c>out_sample</c>
/// [batch, out, height, width]. Height and width need not be multiples of 2^(levels − 1): like diffusers with
/// <c>upsample_size</c>, each upsampler resizes to its skip connection's size.
/// </remarks>
internal static class UNetGraph
{
    private const float ResnetEpsilon = 1e-5f;

    /// <param name="g">The graph to fill.</param>
    /// <param name="size">Network sizes.</param>
    /// <param name="sequenceLength">Text tokens of <c>encoder_hidden_states</c>.</param>
    /// <param name="timestepType">Element type of <c>timestep</c>.</param>
    /// <param name="timeCondProjDim">When set, a fourth input <c>timestep_cond</c> [batch, this] (diffusers' <c>time_cond_proj_dim</c>, LCM's guidance embedding).</param>
    public static void Build(ForgeGraph g, UNetSize size, int sequenceLength, ForgeTimestepType timestepType, int? timeCondProjDim = null)
    {
        Validate(size);
        var channels = size.BlockOutChannels.Select(c => (long)c).ToArray();
        var levels = channels.Length;
        var groups = size.NormGroups;
        var sample = g.Builder.Input("sample", g.FloatType, "batch", size.InChannels, "height", "width");
        var timestep = g.Builder.Input("timestep", timestepType == ForgeTimestepType.Int64 ? DataType.Int64 : g.FloatType, "batch");
        var context = g.Builder.Input("encoder_hidden_states", g.FloatType, "batch", sequenceLength, size.CrossAttentionDim);
        var condition = timeCondProjDim is { } condDim ? g.Builder.Input("timestep_cond", g.FloatType, "batch", condDim) : null;

        // 1. Time: sinusoidal projection (flip_sin_to_cos, freq_shift 0) in float32, then the two-layer embedding MLP.
        var temb = TimestepEmbedding(g, timestep, size, condition, timeCondProjDim ?? 0);
        var tembAct = g.SiLU(temb);
        var tembDim = size.TimeEmbeddingDim;

        // 2. conv_in, then the down path; every resnet/attention output and downsampler output is kept as a skip.
        var h = g.Conv2d(sample, "conv_in", size.InChannels, channels[0], 3);
        var skips = new Stack<(string Value, long Channels)>();
        skips.Push((h, channels[0]));
        for (var i = 0; i < levels; i++)
        {
            var name = $"down_blocks.{i}";
            var inChannels = i == 0 ? channels[0] : channels[i - 1];
            var crossAttention = size.HasCrossAttention(i); // SD 1.5: CrossAttnDownBlock2D … then a plain DownBlock2D
            for (var j = 0; j < size.LayersPerBlock; j++)
            {
                h = DiffusersBlocks.ResnetBlock2D(g, h, $"{name}.resnets.{j}", j == 0 ? inChannels : channels[i], channels[i], groups, ResnetEpsilon, tembAct, tembDim);
                if (crossAttention)
                    h = DiffusersBlocks.Transformer2D(g, h, $"{name}.attentions.{j}", channels[i], size.HeadsFor((int)channels[i]), groups, context, size.CrossAttentionDim, size.TransformerLayers);
                skips.Push((h, channels[i]));
            }
            if (i < levels - 1)
            {
                h = DiffusersBlocks.Downsample2D(g, h, $"{name}.downsamplers.0", channels[i]);
                skips.Push((h, channels[i]));
            }
        }

        // 3. UNetMidBlock2DCrossAttn: resnet, transformer, resnet.
        var deepest = channels[^1];
        h = DiffusersBlocks.ResnetBlock2D(g, h, "mid_block.resnets.0", deepest, deepest, groups, ResnetEpsilon, tembAct, tembDim);
        h = DiffusersBlocks.Transformer2D(g, h, "mid_block.attentions.0", deepest, size.HeadsFor((int)deepest), groups, context, size.CrossAttentionDim, size.TransformerLayers);
        h = DiffusersBlocks.ResnetBlock2D(g, h, "mid_block.resnets.1", deepest, deepest, groups, ResnetEpsilon, tembAct, tembDim);

        // 4. Up path: UpBlock2D then CrossAttnUpBlock2D; each resnet takes the concatenation with the newest skip.
        var previous = deepest;
        for (var i = 0; i < levels; i++)
        {
            var name = $"up_blocks.{i}";
            var outChannels = channels[levels - 1 - i];
            var crossAttention = size.HasCrossAttention(levels - 1 - i);
            for (var j = 0; j <= size.LayersPerBlock; j++)
            {
                var (skip, skipChannels) = skips.Pop();
                var inChannels = (j == 0 ? previous : outChannels) + skipChannels;
                h = DiffusersBlocks.ResnetBlock2D(g, g.Concat(1, h, skip), $"{name}.resnets.{j}", inChannels, outChannels, groups, ResnetEpsilon, tembAct, tembDim);
                if (crossAttention)
                    h = DiffusersBlocks.Transformer2D(g, h, $"{name}.attentions.{j}", outChannels, size.HeadsFor((int)outChannels), groups, context, size.CrossAttentionDim, size.TransformerLayers);
            }
            if (i < levels - 1)
                h = DiffusersBlocks.Upsample2D(g, h, $"{name}.upsamplers.0", outChannels, sizeLike: skips.Peek().Value);
            previous = outChannels;
        }

        // 5. Output: GN → SiLU → conv_out. The final GroupNorm keeps out_sample near unit scale whatever the input.
        h = g.SiLU(g.GroupNorm(h, "conv_norm_out", channels[0], groups, ResnetEpsilon));
        h = g.Conv2d(h, "conv_out", channels[0], size.OutChannels, 3);
        g.Rename(h, "out_sample");
        g.Builder.Output("out_sample", g.FloatType, "batch", size.OutChannels, "height", "width");
    }

    /// <summary>
    /// diffusers' Timesteps + TimestepEmbedding: emb = [cos(t·f), sin(t·f)] with f_i = exp(−ln(10000)·i/half),
    /// computed in float32 (as diffusers does before casting to the model's dtype), then linear_1 → SiLU → linear_2.
    /// With a condition (LCM's <c>timestep_cond</c>), diffusers' TimestepEmbedding first adds <c>cond_proj(condition)</c>,
    /// a bias-free linear map from <c>time_cond_proj_dim</c> to the projection's width.
    /// </summary>
    private static string TimestepEmbedding(ForgeGraph g, string timestep, UNetSize size, string? condition, int conditionDim)
    {
        var dim = size.TimeProjectionDim;
        var projection = SinusoidalProjection(g, timestep, dim);
        if (g.FloatType != DataType.Float) projection = g.Cast(projection, g.FloatType);
        if (condition is not null)
            projection = g.Add(projection, g.Linear(condition, "time_embedding.cond_proj", conditionDim, dim, bias: false));
        var emb = g.Linear(projection, "time_embedding.linear_1", dim, size.TimeEmbeddingDim);
        return g.Linear(g.SiLU(emb), "time_embedding.linear_2", size.TimeEmbeddingDim, size.TimeEmbeddingDim);
    }

    /// <summary>diffusers' Timesteps(dim, flip_sin_to_cos=True, downscale_freq_shift=0): [B] → [B, dim] float32.</summary>
    internal static string SinusoidalProjection(ForgeGraph g, string timestep, int dim)
    {
        var half = dim / 2;
        var frequencies = new float[half];
        for (var i = 0; i < half; i++) frequencies[i] = (float)Math.Exp(-Math.Log(10000.0) * i / half);
        var t = g.Cast(timestep, DataType.Float);
        var arguments = g.Mul(g.Unsqueeze(t, 1), g.Float32s("time_frequencies", frequencies, 1, half));
        return g.Concat(1, g.Op("Cos", arguments), g.Op("Sin", arguments));
    }

    private static void Validate(UNetSize size)
    {
        if (size.BlockOutChannels.Count == 0 || size.BlockOutChannels.Any(c => c <= 0))
            throw new SynthstageException("UNet: block_out_channels must list at least one positive channel count.", ExitCodes.Usage);
        if (size.LayersPerBlock < 1 || size.AttentionHeads < 1 || size.TransformerLayers < 1 || size.NormGroups < 1)
            throw new SynthstageException("UNet: layers per block, attention heads, transformer layers and norm groups must be at least 1.", ExitCodes.Usage);
        if (size.CrossAttentionLevels is { } flags && flags.Count != size.BlockOutChannels.Count)
            throw new SynthstageException($"UNet: {flags.Count} cross-attention flags for {size.BlockOutChannels.Count} levels; give one per level.", ExitCodes.Usage);
        if (size.AttentionHeadDim is { } headDim && (headDim < 1 || size.BlockOutChannels.Any(c => c % headDim != 0)))
            throw new SynthstageException($"UNet: attention head width {headDim} must divide every level's channels ({string.Join(", ", size.BlockOutChannels)}).", ExitCodes.Usage);
        if (size.TimeProjectionDim % 2 != 0)
            throw new SynthstageException($"UNet: the first level's channels ({size.TimeProjectionDim}) must be even for the sinusoidal timestep projection.", ExitCodes.Usage);
    }
}
