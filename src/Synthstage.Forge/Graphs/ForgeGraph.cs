using System.Globalization;
using Onnx;
using Synthstage.Forge.Weights;
using Synthstage.Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Forge.Graphs;

/// <summary>
/// The layers the forge builds networks from (Linear, Conv2d, GroupNorm, LayerNorm, attention, activations), each a
/// few ONNX nodes, on top of <see cref="OnnxGraphBuilder"/>. Parameters go through a <see cref="WeightSink"/>;
/// constants (shapes, axes, norm unit scales, masks) are inline initializers whose names start with <c>const.</c>,
/// so parameters and constants stay distinguishable in the written model.
/// </summary>
/// <remarks>
/// Tensors flow in the model's float type (<see cref="FloatType"/>). Linear weights are stored transposed,
/// [in, out], so they feed MatMul directly (as PyTorch's ONNX exporter stores them); conv weights are [out, in, kh, kw].
/// </remarks>
internal sealed class ForgeGraph
{
    /// <summary>Prefix of every initializer that is a constant rather than a parameter.</summary>
    public const string ConstantPrefix = "const.";

    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);

    public ForgeGraph(string name, WeightSink weights)
    {
        Builder = new OnnxGraphBuilder(name, opset: 17);
        Weights = weights;
    }

    public OnnxGraphBuilder Builder { get; }

    public WeightSink Weights { get; }

    /// <summary>float16 for fp16 models, else float32.</summary>
    public DataType FloatType => Weights.ElementType;

    // ---- parameters and constants ----

    public string Param(string name, WeightInit init, params long[] dims) => Weights.Add(Builder, name, dims, init);

    /// <summary>A cached 1-D int64 constant.</summary>
    public string Int64s(params long[] values) =>
        Cached("i64:" + string.Join(',', values), () => Builder.Int64s(ConstantPrefix + "i64", values));

    /// <summary>A cached scalar in the model's float type.</summary>
    public string Scalar(float value) =>
        Cached("f:" + value.ToString("R", CultureInfo.InvariantCulture), () => Floats("scalar", [value]));

    /// <summary>A cached float-type constant of <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public string Filled(float value, int count) =>
        Cached($"fill:{value.ToString("R", CultureInfo.InvariantCulture)}x{count}", () => Floats("fill", Enumerable.Repeat(value, count).ToArray(), count));

    /// <summary>A constant in the model's float type (converted to float16 for fp16 models).</summary>
    public string Floats(string name, float[] values, params long[] dims) =>
        FloatType == DataType.Float16
            ? Builder.Initializer(ConstantPrefix + name, WeightGenerator.ToHalf(values), dims)
            : Builder.Initializer(ConstantPrefix + name, values, dims);

    /// <summary>A float32 constant whatever the model's float type (for float32-only subgraphs such as the timestep embedding).</summary>
    public string Float32s(string name, float[] values, params long[] dims) => Builder.Initializer(ConstantPrefix + name, values, dims);

    private string Cached(string key, Func<string> create)
    {
        if (!_constants.TryGetValue(key, out var name)) _constants[key] = name = create();
        return name;
    }

    // ---- plain operators ----

    public string Op(string opType, params string[] inputs) => Builder.Node(opType, inputs);

    public string Op(string opType, string[] inputs, params AttributeProto[] attributes) => Builder.Node(opType, inputs, attributes);

    public string Add(string a, string b) => Op("Add", a, b);

    public string Mul(string a, string b) => Op("Mul", a, b);

    public string MatMul(string a, string b) => Op("MatMul", a, b);

    public string Reshape(string x, params long[] shape) => Op("Reshape", x, Int64s(shape));

    public string Transpose(string x, params long[] perm) => Op("Transpose", [x], OnnxAttribute.Ints("perm", perm));

    public string Concat(long axis, params string[] inputs) => Op("Concat", inputs, OnnxAttribute.Int("axis", axis));

    public string Unsqueeze(string x, params long[] axes) => Op("Unsqueeze", x, Int64s(axes));

    public string Cast(string x, DataType to) => Op("Cast", [x], OnnxAttribute.Int("to", (long)to));

    public string Shape(string x) => Op("Shape", x);

    /// <summary>Dimensions [start, end) of x's shape (Shape-15 slicing).</summary>
    public string Shape(string x, long start, long end) =>
        Op("Shape", [x], OnnxAttribute.Int("start", start), OnnxAttribute.Int("end", end));

    /// <summary>Gives a value an exact name (for graph outputs).</summary>
    public string Rename(string x, string name) => Builder.NamedNode("Identity", [x], name);

    // ---- activations ----

    /// <summary>SiLU (swish): x·σ(x).</summary>
    public string SiLU(string x) => Mul(x, Op("Sigmoid", x));

    /// <summary>CLIP's quick GELU: x·σ(1.702·x).</summary>
    public string QuickGelu(string x) => Mul(x, Op("Sigmoid", Mul(x, Scalar(1.702f))));

    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), the pattern ORT fuses into its Gelu kernel.</summary>
    public string Gelu(string x)
    {
        var erf = Op("Erf", Op("Div", x, Scalar(MathF.Sqrt(2f))));
        return Mul(Mul(x, Add(erf, Scalar(1f))), Scalar(0.5f));
    }

    // ---- layers ----

    /// <summary>y = x·Wᵀ + b over the last axis of x (any rank); W stored [in, out].</summary>
    public string Linear(string x, string name, long inFeatures, long outFeatures, bool bias = true, float gain = 1f)
    {
        var w = Param(name + ".weight", WeightInit.FanIn(inFeatures, gain), inFeatures, outFeatures);
        var y = MatMul(x, w);
        return bias ? Add(y, Param(name + ".bias", WeightInit.Normal(0.02f), outFeatures)) : y;
    }

    /// <summary>2-D convolution with bias, NCHW. Padding defaults to kernel/2 on every side ("same" for odd kernels).</summary>
    /// <remarks><c>pads</c> are ONNX pads [top, left, bottom, right], for asymmetric padding.</remarks>
    public string Conv2d(string x, string name, long inChannels, long outChannels, long kernel, long stride = 1, long[]? pads = null, float gain = 1f)
    {
        var w = Param(name + ".weight", WeightInit.FanIn(inChannels * kernel * kernel, gain), outChannels, inChannels, kernel, kernel);
        var b = Param(name + ".bias", WeightInit.Normal(0.02f), outChannels);
        var p = kernel / 2;
        return Op("Conv", [x, w, b],
            OnnxAttribute.Ints("kernel_shape", kernel, kernel),
            OnnxAttribute.Ints("strides", stride, stride),
            OnnxAttribute.Ints("pads", pads ?? [p, p, p, p]),
            OnnxAttribute.Ints("dilations", 1, 1));
    }

    /// <summary>
    /// GroupNorm over [B, C, ...] with per-channel affine parameters: Reshape to [B, G, −1], InstanceNormalization
    /// with unit scale, reshape back, then scale and shift (how PyTorch exports GroupNorm; ORT's CPU kernel is fast,
    /// while GroupNormalization needs opset 18/21 and changed meaning between them).
    /// </summary>
    public string GroupNorm(string x, string name, long channels, long groups, float epsilon)
    {
        if (channels % groups != 0)
            throw new SynthstageException($"GroupNorm '{name}': {channels} channels are not divisible into {groups} groups; choose channel counts that are multiples of norm_num_groups.", ExitCodes.Usage);
        var grouped = Reshape(x, 0, groups, -1);
        var normed = Op("InstanceNormalization", [grouped, Filled(1f, (int)groups), Filled(0f, (int)groups)], OnnxAttribute.Float("epsilon", epsilon));
        var restored = Op("Reshape", normed, Shape(x));
        var gamma = Param(name + ".weight", WeightInit.Fill(1f), channels, 1, 1);
        var beta = Param(name + ".bias", WeightInit.Fill(0f), channels, 1, 1);
        return Add(Mul(restored, gamma), beta);
    }

    /// <summary>LayerNorm over the last axis (LayerNormalization-17).</summary>
    public string LayerNorm(string x, string name, long features, float epsilon)
    {
        var gamma = Param(name + ".weight", WeightInit.Fill(1f), features);
        var beta = Param(name + ".bias", WeightInit.Fill(0f), features);
        return Op("LayerNormalization", [x, gamma, beta], OnnxAttribute.Int("axis", -1), OnnxAttribute.Float("epsilon", epsilon));
    }

    /// <summary>
    /// Multi-head scaled dot-product attention. q [B, N, H·D]; k, v [B, M, H·D]; optional additive mask
    /// broadcastable to [B, H, N, M]. Returns [B, N, H·D]. q is scaled by D^−½ before the product, which keeps
    /// fp16 scores small.
    /// </summary>
    public string Attention(string q, string k, string v, long heads, long headDim, string? mask = null)
    {
        var qh = Transpose(Reshape(Mul(q, Scalar(1f / MathF.Sqrt(headDim))), 0, 0, heads, headDim), 0, 2, 1, 3);
        var kt = Transpose(Reshape(k, 0, 0, heads, headDim), 0, 2, 3, 1);
        var vh = Transpose(Reshape(v, 0, 0, heads, headDim), 0, 2, 1, 3);
        var scores = MatMul(qh, kt);
        if (mask is not null) scores = Add(scores, mask);
        var probs = Op("Softmax", [scores], OnnxAttribute.Int("axis", -1));
        var o = Transpose(MatMul(probs, vh), 0, 2, 1, 3);
        return Reshape(o, 0, 0, heads * headDim);
    }

    /// <summary>
    /// Nearest-neighbour upsampling of [B, C, H, W], like PyTorch's <c>interpolate(mode="nearest")</c>: to the
    /// spatial size of <paramref name="sizeLike"/> when given (diffusers' <c>upsample_size</c>, which lets odd sizes
    /// round-trip through the UNet), else by exactly 2.
    /// </summary>
    public string ResizeNearest(string x, string? sizeLike = null)
    {
        AttributeProto[] attributes =
        [
            OnnxAttribute.String("mode", "nearest"),
            OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"),
            OnnxAttribute.String("nearest_mode", "floor"),
        ];
        if (sizeLike is null)
        {
            var scales = Cached("resize_scales_2x", () => Float32s("resize_scales", [1f, 1f, 2f, 2f], 4));
            return Op("Resize", [x, "", scales], attributes);
        }
        var sizes = Concat(0, Shape(x, 0, 2), Shape(sizeLike, 2, 4));
        return Op("Resize", [x, "", "", sizes], attributes);
    }

    /// <summary>[B, C, H, W] → [B, H·W, C].</summary>
    public string ToSequence(string x) => Transpose(Reshape(x, 0, 0, -1), 0, 2, 1);

    /// <summary>[B, H·W, C] → the shape of <paramref name="like"/> ([B, C, H, W]).</summary>
    public string FromSequence(string sequence, string like) => Op("Reshape", Transpose(sequence, 0, 2, 1), Shape(like));

    /// <summary>The finished model.</summary>
    public ModelProto Build() => Builder.Build("synthstage-forge");
}
