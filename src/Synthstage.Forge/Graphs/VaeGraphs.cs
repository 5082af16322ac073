
namespace Synthstage.Forge.Graphs;

/// <summary>
/// AutoencoderKL's two halves as separate graphs, as diffusers' ONNX layout stores them. Parameter names follow
/// diffusers' state dict (<c>encoder.*</c> + <c>quant_conv</c>, <c>decoder.*</c> + <c>post_quant_conv</c>).
/// </summary>
internal static class VaeGraphs
{
    private const float Epsilon = 1e-6f;

    /// <summary>
    /// Encoder + quant_conv: <c>sample</c> [batch, 3, height, width] in −1..1 → <c>latent_sample</c>
    /// [batch, latent, height/f, width/f], the mean of the latent distribution (unscaled; the pipeline multiplies
    /// by scaling_factor).
    /// </summary>
    public static void BuildEncoder(ForgeGraph g, VaeSize size)
    {
        Validate(size);
        var channels = size.BlockOutChannels.Select(c => (long)c).ToArray();
        var levels = channels.Length;
        var latent2 = 2L * size.LatentChannels;
        var sample = g.Builder.Input("sample", g.FloatType, "batch", size.ImageChannels, "height", "width");

        var h = g.Conv2d(sample, "encoder.conv_in", size.ImageChannels, channels[0], 3);
        for (var i = 0; i < levels; i++)
        {
            var inChannels = i == 0 ? channels[0] : channels[i - 1];
            for (var j = 0; j < size.LayersPerBlock; j++)
                h = DiffusersBlocks.ResnetBlock2D(g, h, $"encoder.down_blocks.{i}.resnets.{j}", j == 0 ? inChannels : channels[i], channels[i], size.NormGroups, Epsilon);
            // The VAE pads right and bottom only, then convolves with stride 2 (Downsample2D with padding 0).
            if (i < levels - 1)
                h = DiffusersBlocks.Downsample2D(g, h, $"encoder.down_blocks.{i}.downsamplers.0", channels[i], pads: [0, 0, 1, 1]);
        }
        h = MidBlock(g, h, "encoder.mid_block", channels[^1], size.NormGroups);
        h = g.SiLU(g.GroupNorm(h, "encoder.conv_norm_out", channels[^1], size.NormGroups, Epsilon));
        h = g.Conv2d(h, "encoder.conv_out", channels[^1], latent2, 3);
        var moments = g.Conv2d(h, "quant_conv", latent2, latent2, 1);
        // Moments are [mean, logvar] along channels; the mean is the deterministic latent.
        var mean = g.Op("Slice", moments, g.Int64s(0), g.Int64s(size.LatentChannels), g.Int64s(1));
        g.Rename(mean, "latent_sample");
        g.Builder.Output("latent_sample", g.FloatType, "batch", size.LatentChannels, "latent_height", "latent_width");
    }

    /// <summary>post_quant_conv + decoder: <c>latent_sample</c> [batch, latent, h, w] → <c>sample</c> [batch, 3, h·f, w·f], about −1..1.</summary>
    public static void BuildDecoder(ForgeGraph g, VaeSize size)
    {
        Validate(size);
        var reversed = size.BlockOutChannels.Select(c => (long)c).Reverse().ToArray();
        var levels = reversed.Length;
        var latent = g.Builder.Input("latent_sample", g.FloatType, "batch", size.LatentChannels, "latent_height", "latent_width");

        var z = g.Conv2d(latent, "post_quant_conv", size.LatentChannels, size.LatentChannels, 1);
        var h = g.Conv2d(z, "decoder.conv_in", size.LatentChannels, reversed[0], 3);
        h = MidBlock(g, h, "decoder.mid_block", reversed[0], size.NormGroups);
        var previous = reversed[0];
        for (var i = 0; i < levels; i++)
        {
            for (var j = 0; j <= size.LayersPerBlock; j++)
                h = DiffusersBlocks.ResnetBlock2D(g, h, $"decoder.up_blocks.{i}.resnets.{j}", j == 0 ? previous : reversed[i], reversed[i], size.NormGroups, Epsilon);
            if (i < levels - 1)
                h = DiffusersBlocks.Upsample2D(g, h, $"decoder.up_blocks.{i}.upsamplers.0", reversed[i]);
            previous = reversed[i];
        }
        h = g.SiLU(g.GroupNorm(h, "decoder.conv_norm_out", reversed[^1], size.NormGroups, Epsilon));
        h = g.Conv2d(h, "decoder.conv_out", reversed[^1], size.ImageChannels, 3);
        g.Rename(h, "sample");
        g.Builder.Output("sample", g.FloatType, "batch", size.ImageChannels, "height", "width");
    }

    // UNetMidBlock2D with attention: resnet, attention, resnet.
    private static string MidBlock(ForgeGraph g, string h, string name, long channels, long groups)
    {
        h = DiffusersBlocks.ResnetBlock2D(g, h, name + ".resnets.0", channels, channels, groups, Epsilon);
        h = DiffusersBlocks.VaeAttention(g, h, name + ".attentions.0", channels, groups);
        return DiffusersBlocks.ResnetBlock2D(g, h, name + ".resnets.1", channels, channels, groups, Epsilon);
    }

    private static void Validate(VaeSize size)
    {
        if (size.BlockOutChannels.Count == 0 || size.BlockOutChannels.Any(c => c <= 0))
            throw new SynthstageException("VAE: block_out_channels must list at least one positive channel count.", ExitCodes.Usage);
        if (size.LayersPerBlock < 1 || size.LatentChannels < 1 || size.NormGroups < 1 || size.ImageChannels < 1)
            throw new SynthstageException("VAE: layers per block, latent channels, norm groups and image channels must be at least 1.", ExitCodes.Usage);
    }
}
