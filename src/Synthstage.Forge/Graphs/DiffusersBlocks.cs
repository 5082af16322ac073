using Onnx;
using Synthstage.Forge.Weights;
using Synthstage.Onnx;

namespace Synthstage.Forge.Graphs;

/// <summary>Building blocks shared by the UNet and the VAE, after diffusers' <c>models/resnet.py</c>, <c>attention.py</c> and <c>transformers/transformer_2d.py</c>.</summary>
/// <remarks>The last layer of every residual branch is initialised at half scale (<see cref="BranchGain"/>), so the many residual sums keep activations moderate in fp16.</remarks>
internal static class DiffusersBlocks
{
    public const float BranchGain = 0.5f;

    /// <summary>
    /// ResnetBlock2D: GN → SiLU → conv3×3 (+ projected time embedding) → GN → SiLU → conv3×3, plus the input
    /// (through a 1×1 conv_shortcut when the channel count changes).
    /// </summary>
    /// <remarks><c>timeEmbedding</c> is SiLU(temb) [B, timeEmbeddingDim], or null for the VAE's resnets (temb_channels None).</remarks>
    public static string ResnetBlock2D(ForgeGraph g, string x, string name, long inChannels, long outChannels, long groups, float epsilon,
        string? timeEmbedding = null, long timeEmbeddingDim = 0)
    {
        var h = g.SiLU(g.GroupNorm(x, name + ".norm1", inChannels, groups, epsilon));
        h = g.Conv2d(h, name + ".conv1", inChannels, outChannels, 3);
        if (timeEmbedding is not null)
            h = g.Add(h, g.Unsqueeze(g.Linear(timeEmbedding, name + ".time_emb_proj", timeEmbeddingDim, outChannels), 2, 3));
        h = g.SiLU(g.GroupNorm(h, name + ".norm2", outChannels, groups, epsilon));
        h = g.Conv2d(h, name + ".conv2", outChannels, outChannels, 3, gain: BranchGain);
        var shortcut = inChannels == outChannels ? x : g.Conv2d(x, name + ".conv_shortcut", inChannels, outChannels, 1);
        return g.Add(shortcut, h);
    }

    /// <summary>Downsample2D: 3×3 conv with stride 2; <paramref name="pads"/> [0, 0, 1, 1] gives the VAE's asymmetric padding.</summary>
    public static string Downsample2D(ForgeGraph g, string x, string name, long channels, long[]? pads = null) =>
        g.Conv2d(x, name + ".conv", channels, channels, 3, stride: 2, pads: pads);

    /// <summary>Upsample2D: nearest ×2 (or to <paramref name="sizeLike"/>'s size) then 3×3 conv.</summary>
    public static string Upsample2D(ForgeGraph g, string x, string name, long channels, string? sizeLike = null) =>
        g.Conv2d(g.ResizeNearest(x, sizeLike), name + ".conv", channels, channels, 3);

    /// <summary>
    /// Transformer2DModel as SD 1.5 configures it: GN (eps 1e-6) → 1×1 conv proj_in → BasicTransformerBlocks on
    /// [B, H·W, C] → 1×1 conv proj_out, plus the input.
    /// </summary>
    public static string Transformer2D(ForgeGraph g, string x, string name, long channels, long heads, long groups,
        string context, long contextDim, int layers)
    {
        if (channels % heads != 0)
            throw new SynthstageException($"'{name}': {channels} channels are not divisible by {heads} attention heads.", ExitCodes.Usage);
        var h = g.GroupNorm(x, name + ".norm", channels, groups, 1e-6f);
        h = g.Conv2d(h, name + ".proj_in", channels, channels, 1);
        var sequence = g.ToSequence(h);
        for (var l = 0; l < layers; l++)
            sequence = BasicTransformerBlock(g, sequence, $"{name}.transformer_blocks.{l}", channels, heads, context, contextDim);
        h = g.FromSequence(sequence, x);
        h = g.Conv2d(h, name + ".proj_out", channels, channels, 1, gain: BranchGain);
        return g.Add(h, x);
    }

    /// <summary>BasicTransformerBlock: self-attention, cross-attention on the text, GEGLU feed-forward; each pre-LayerNorm and residual.</summary>
    public static string BasicTransformerBlock(ForgeGraph g, string x, string name, long channels, long heads, string context, long contextDim)
    {
        var headDim = channels / heads;

        var n = g.LayerNorm(x, name + ".norm1", channels, 1e-5f);
        var a = g.Attention(
            g.Linear(n, name + ".attn1.to_q", channels, channels, bias: false),
            g.Linear(n, name + ".attn1.to_k", channels, channels, bias: false),
            g.Linear(n, name + ".attn1.to_v", channels, channels, bias: false), heads, headDim);
        x = g.Add(x, g.Linear(a, name + ".attn1.to_out.0", channels, channels, gain: BranchGain));

        n = g.LayerNorm(x, name + ".norm2", channels, 1e-5f);
        a = g.Attention(
            g.Linear(n, name + ".attn2.to_q", channels, channels, bias: false),
            g.Linear(context, name + ".attn2.to_k", contextDim, channels, bias: false),
            g.Linear(context, name + ".attn2.to_v", contextDim, channels, bias: false), heads, headDim);
        x = g.Add(x, g.Linear(a, name + ".attn2.to_out.0", channels, channels, gain: BranchGain));

        // GEGLU: one projection to 2·inner, first half the value, second half the gate through exact GELU.
        var inner = 4 * channels;
        n = g.LayerNorm(x, name + ".norm3", channels, 1e-5f);
        var projected = g.Linear(n, name + ".ff.net.0.proj", channels, 2 * inner);
        var halves = g.Builder.Node("Split", [projected, g.Int64s(inner, inner)], 2, OnnxAttribute.Int("axis", -1));
        var gated = g.Mul(halves[0], g.Gelu(halves[1]));
        return g.Add(x, g.Linear(gated, name + ".ff.net.2", inner, channels, gain: BranchGain));
    }

    /// <summary>
    /// The VAE's mid-block attention (diffusers Attention with group_norm, one head as wide as the channels,
    /// biased projections, residual connection) on [B, C, H, W].
    /// </summary>
    public static string VaeAttention(ForgeGraph g, string x, string name, long channels, long groups)
    {
        var sequence = g.ToSequence(g.GroupNorm(x, name + ".group_norm", channels, groups, 1e-6f));
        var a = g.Attention(
            g.Linear(sequence, name + ".to_q", channels, channels),
            g.Linear(sequence, name + ".to_k", channels, channels),
            g.Linear(sequence, name + ".to_v", channels, channels), 1, channels);
        var o = g.Linear(a, name + ".to_out.0", channels, channels, gain: BranchGain);
        return g.Add(g.FromSequence(o, x), x);
    }
}
