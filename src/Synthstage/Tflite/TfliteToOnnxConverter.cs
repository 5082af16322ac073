using System.Runtime.InteropServices;
using Onnx;
using Synthstage.Onnx;
using static Synthstage.Onnx.OnnxAttribute;
using DataType = Onnx.TensorProto.Types.DataType;
using Op = Synthstage.Tflite.TfliteBuiltinOperator;

namespace Synthstage.Tflite;

/// <summary>
/// Converts one TFLite subgraph to an ONNX graph (opset <see cref="Opset"/>) with the same NHWC inputs and outputs.
/// </summary>
/// <remarks>
/// Every ONNX value remembers its layout as a permutation of the TFLite axes (ONNX axis i holds TFLite axis
/// <c>Perm[i]</c>). Spatial operators want NCHW, so 4-D activations live in NCHW from the first such operator on;
/// element-wise operators, concatenation, padding and reductions work in whatever layout their input has, with
/// their axes remapped. A layout change is added only where an operator needs one (at the graph input and output,
/// and around a RESHAPE whose data order depends on the layout); it is a Reshape instead of a Transpose when only
/// size-1 axes move. Constant weights are permuted and converted to float32 at import time (DEQUANTIZE of
/// constants is folded, and DENSIFY of sparse constants too).
/// </remarks>
internal sealed class TfliteToOnnxConverter
{
    /// <summary>The default-domain opset the graph is written against.</summary>
    public const int Opset = 17;

    private static readonly int[] Nchw = [0, 3, 1, 2];
    private static readonly int[] OhwiToOihw = [0, 3, 1, 2];
    private static readonly int[] OhwiToIohw = [3, 0, 1, 2];

    private readonly TfliteSubGraph _graph;
    private readonly OnnxGraphBuilder _b;
    private readonly Dictionary<int, float[]> _constants = [];
    private readonly Dictionary<int, (string Name, int[] Perm)> _values = [];
    private readonly Dictionary<(int Tensor, string Perm), string> _layouts = [];
    private readonly Dictionary<float, string> _scalars = [];
    private int _opIndex = -1;
    private TfliteOperator? _op;

    private TfliteToOnnxConverter(TfliteSubGraph graph, string graphName)
    {
        _graph = graph;
        _b = new OnnxGraphBuilder(graphName, Opset);
    }

    /// <summary>Converts <paramref name="graph"/> and returns the builder holding the ONNX graph.</summary>
    /// <exception cref="SynthstageException">An operator or tensor type the importer does not support (BadModel).</exception>
    public static OnnxGraphBuilder Convert(TfliteSubGraph graph, TfliteImportOptions? options = null)
    {
        options ??= new TfliteImportOptions();
        var converter = new TfliteToOnnxConverter(graph, options.GraphName ?? (graph.Name.Length > 0 ? graph.Name : "tflite"));
        converter.Run(options);
        return converter._b;
    }

    private void Run(TfliteImportOptions options)
    {
        for (var i = 0; i < _graph.Inputs.Length; i++)
        {
            var t = _graph.Tensors[_graph.Inputs[i]];
            RequireFloat32(t, "graph input");
            var name = _b.Input(Pick(options.InputNames, i, t.Name), DataType.Float, Dims(t.Shape));
            _values[_graph.Inputs[i]] = (name, Identity(t.Shape.Length));
        }
        for (var i = 0; i < _graph.Operators.Count; i++)
        {
            _opIndex = i;
            _op = _graph.Operators[i];
            try
            {
                ConvertOperator(_op);
            }
            catch (Exception e) when (e is IndexOutOfRangeException or InvalidDataException or DivideByZeroException or OverflowException or ArgumentException)
            {
                // Malformed operators (too few inputs, zero strides, impossible shapes) in a corrupt or hostile file.
                throw Unsupported($"the operator is malformed ({e.Message})", e);
            }
        }
        _opIndex = -1;
        _op = null;
        for (var i = 0; i < _graph.Outputs.Length; i++)
        {
            var t = _graph.Tensors[_graph.Outputs[i]];
            RequireFloat32(t, "graph output");
            var name = Pick(options.OutputNames, i, t.Name);
            InLayout(_graph.Outputs[i], Identity(t.Shape.Length), name);
            _b.Output(name, DataType.Float, Dims(t.Shape));
        }
    }

    private static string Pick(IReadOnlyList<string>? names, int i, string fallback) =>
        names is not null && i < names.Count ? names[i] : fallback;

    private void ConvertOperator(TfliteOperator op)
    {
        switch (op.Code)
        {
            case Op.DEQUANTIZE: Dequantize(op); break;
            case Op.DENSIFY: _constants[op.Outputs[0]] = Constant(op.Inputs[0]); break;
            case Op.CONV_2D: Conv(op, Options<Conv2DOptions>(op)); break;
            case Op.DEPTHWISE_CONV_2D: DepthwiseConv(op, Options<DepthwiseConv2DOptions>(op)); break;
            case Op.TRANSPOSE_CONV: TransposeConv(op, op.Inputs[2], op.Inputs[1], op.Inputs.Length > 3 ? op.Inputs[3] : -1, Options<TransposeConvOptions>(op)); break;
            case Op.CUSTOM when op.CustomCode == "Convolution2DTransposeBias":
                TransposeConv(op, op.Inputs[0], op.Inputs[1], op.Inputs.Length > 2 ? op.Inputs[2] : -1, Options<TransposeConvOptions>(op)); break;
            case Op.AVERAGE_POOL_2D: Pool(op, "AveragePool", Options<Pool2DOptions>(op)); break;
            case Op.MAX_POOL_2D: Pool(op, "MaxPool", Options<Pool2DOptions>(op)); break;
            case Op.MEAN: Mean(op, Options<ReducerOptions>(op)); break;
            case Op.ADD: Binary(op, "Add", (Options<FusedActivationOptions>(op)).Activation); break;
            case Op.MUL: Binary(op, "Mul", (Options<FusedActivationOptions>(op)).Activation); break;
            case Op.SUB: Binary(op, "Sub", (Options<FusedActivationOptions>(op)).Activation); break;
            case Op.DIV: Binary(op, "Div", (Options<FusedActivationOptions>(op)).Activation); break;
            case Op.MAXIMUM: Binary(op, "Max", TfliteActivation.None); break;
            case Op.MINIMUM: Binary(op, "Min", TfliteActivation.None); break;
            case Op.RELU: Unary(op, x => _b.Node("Relu", [x])); break;
            case Op.RELU6: Unary(op, x => Activation(x, TfliteActivation.Relu6)); break;
            case Op.RELU_N1_TO_1: Unary(op, x => Activation(x, TfliteActivation.ReluN1To1)); break;
            case Op.TANH: Unary(op, x => _b.Node("Tanh", [x])); break;
            case Op.LOGISTIC: Unary(op, x => _b.Node("Sigmoid", [x])); break;
            case Op.HARD_SWISH: Unary(op, x => _b.Node("HardSwish", [x])); break;
            case Op.EXP: Unary(op, x => _b.Node("Exp", [x])); break;
            case Op.ABS: Unary(op, x => _b.Node("Abs", [x])); break;
            case Op.NEG: Unary(op, x => _b.Node("Neg", [x])); break;
            case Op.SQRT: Unary(op, x => _b.Node("Sqrt", [x])); break;
            case Op.CONCATENATION: Concatenation(op, Options<ConcatenationOptions>(op)); break;
            case Op.PAD or Op.PADV2: Pad(op); break;
            case Op.RESHAPE or Op.SQUEEZE or Op.EXPAND_DIMS: Reshape(op); break;
            case Op.DEPTH_TO_SPACE: Spatial(op, x => _b.Node("DepthToSpace", [x], Int("blocksize", (Options<BlockSizeOptions>(op)).BlockSize), String("mode", "DCR"))); break;
            case Op.SPACE_TO_DEPTH: Spatial(op, x => _b.Node("SpaceToDepth", [x], Int("blocksize", (Options<BlockSizeOptions>(op)).BlockSize))); break;
            case Op.RESIZE_BILINEAR: ResizeBilinear(op, Options<ResizeBilinearOptions>(op)); break;
            case Op.SOFTMAX: Softmax(op, Options<SoftmaxOptions>(op)); break;
            default: throw Unsupported($"operator {op.DisplayName} is not supported");
        }
    }

    // ---- operators ----

    private void Dequantize(TfliteOperator op)
    {
        var input = op.Inputs[0];
        if (IsConstant(input))
        {
            // Weights stored as fp16 (or int8) are folded into float32 initializers.
            _constants[op.Outputs[0]] = Constant(input);
            return;
        }
        if (_graph.Tensors[input].Type != TfliteTensorType.Float16) throw Unsupported("DEQUANTIZE of a non-constant, non-float16 tensor is not supported");
        Unary(op, x => _b.Node("Cast", [x], Int("to", (long)DataType.Float)));
    }

    private void Conv(TfliteOperator op, Conv2DOptions o)
    {
        var x = Tensor(op.Inputs[0]);
        var w = Tensor(op.Inputs[1]);
        Require4D(x); Require4D(w);
        var pads = Padding(o.Padding, x.Shape, w.Shape[1], w.Shape[2], o.StrideH, o.StrideW, o.DilationH, o.DilationW);
        List<string> inputs = [InLayout(op.Inputs[0], Nchw), InLayout(op.Inputs[1], OhwiToOihw)];
        AddBias(op, 2, inputs);
        var y = _b.Node("Conv", inputs, Ints("kernel_shape", w.Shape[1], w.Shape[2]), Ints("strides", o.StrideH, o.StrideW),
            Ints("dilations", o.DilationH, o.DilationW), Ints("pads", pads), Int("group", 1));
        Set(op.Outputs[0], Activation(y, o.Activation), Nchw);
    }

    private void DepthwiseConv(TfliteOperator op, DepthwiseConv2DOptions o)
    {
        var x = Tensor(op.Inputs[0]);
        var w = Tensor(op.Inputs[1]);
        Require4D(x); Require4D(w);
        if (w.Shape[0] != 1 || w.Shape[3] % x.Shape[3] != 0)
            throw Unsupported($"depthwise filter shape [{string.Join(',', w.Shape)}] does not fit {x.Shape[3]} input channels");
        var pads = Padding(o.Padding, x.Shape, w.Shape[1], w.Shape[2], o.StrideH, o.StrideW, o.DilationH, o.DilationW);
        // TFLite filter [1, kh, kw, C·m] → ONNX grouped filter [C·m, 1, kh, kw]; output channel c·m + k in both.
        List<string> inputs = [InLayout(op.Inputs[0], Nchw), InLayout(op.Inputs[1], OhwiToIohw)];
        AddBias(op, 2, inputs);
        var y = _b.Node("Conv", inputs, Ints("kernel_shape", w.Shape[1], w.Shape[2]), Ints("strides", o.StrideH, o.StrideW),
            Ints("dilations", o.DilationH, o.DilationW), Ints("pads", pads), Int("group", x.Shape[3]));
        Set(op.Outputs[0], Activation(y, o.Activation), Nchw);
    }

    private void TransposeConv(TfliteOperator op, int input, int weights, int bias, TransposeConvOptions o)
    {
        var x = Tensor(input);
        var w = Tensor(weights);
        var y = Tensor(op.Outputs[0]);
        Require4D(x); Require4D(w); Require4D(y);
        // TFLite derives the padding from the output size as if running the forward convolution output → input.
        var (top, bottom, padH) = TransposePadding(o.Padding, x.Shape[1], y.Shape[1], w.Shape[1], o.StrideH);
        var (left, right, padW) = TransposePadding(o.Padding, x.Shape[2], y.Shape[2], w.Shape[2], o.StrideW);
        List<string> inputs = [InLayout(input, Nchw), InLayout(weights, OhwiToIohw)];
        if (bias >= 0) inputs.Add(InLayout(bias, [0]));
        List<AttributeProto> attributes =
        [
            Ints("kernel_shape", w.Shape[1], w.Shape[2]), Ints("strides", o.StrideH, o.StrideW), Ints("pads", top, left, bottom, right),
        ];
        if (padH != 0 || padW != 0) attributes.Add(Ints("output_padding", padH, padW));
        var result = _b.Node("ConvTranspose", inputs, [.. attributes]);
        Set(op.Outputs[0], Activation(result, o.Activation), Nchw);
    }

    private void Pool(TfliteOperator op, string onnxOp, Pool2DOptions o)
    {
        var x = Tensor(op.Inputs[0]);
        var y = Tensor(op.Outputs[0]);
        Require4D(x);
        var input = InLayout(op.Inputs[0], Nchw);
        string result;
        if (o.Padding == TflitePadding.Valid && o.FilterHeight == x.Shape[1] && o.FilterWidth == x.Shape[2] && y.Shape[1] == 1 && y.Shape[2] == 1)
            result = _b.Node("Global" + onnxOp, [input]);
        else
            result = _b.Node(onnxOp, [input], Ints("kernel_shape", o.FilterHeight, o.FilterWidth), Ints("strides", o.StrideH, o.StrideW),
                Ints("pads", Padding(o.Padding, x.Shape, o.FilterHeight, o.FilterWidth, o.StrideH, o.StrideW, 1, 1)));
        Set(op.Outputs[0], Activation(result, o.Activation), Nchw);
    }

    private void Mean(TfliteOperator op, ReducerOptions o)
    {
        var x = Tensor(op.Inputs[0]);
        var rank = x.Shape.Length;
        var axes = ConstantInts(op.Inputs[1]).Select(a => a < 0 ? a + rank : a).Distinct().Order().ToArray();
        var (input, perm) = Current(op.Inputs[0]);
        if (o.KeepDims && rank == 4 && perm.SequenceEqual(Nchw) && axes.SequenceEqual([1, 2]))
        {
            Set(op.Outputs[0], _b.Node("GlobalAveragePool", [input]), Nchw);
            return;
        }
        var onnxAxes = axes.Select(a => (long)Array.IndexOf(perm, a)).Order().ToArray();
        var result = _b.Node("ReduceMean", [input], Ints("axes", onnxAxes), Int("keepdims", o.KeepDims ? 1 : 0));
        if (o.KeepDims)
        {
            Set(op.Outputs[0], result, perm);
            return;
        }
        // The kept axes stay in the input's ONNX order; renumber them to the output's TFLite axes.
        var kept = perm.Where(a => !axes.Contains(a)).ToArray();
        var sorted = kept.Order().ToArray();
        Set(op.Outputs[0], result, kept.Select(a => Array.IndexOf(sorted, a)).ToArray());
    }

    private void Binary(TfliteOperator op, string onnxOp, TfliteActivation activation)
    {
        var outRank = Tensor(op.Outputs[0]).Shape.Length;
        var runtime = op.Inputs.Where(i => !IsConstant(i)).ToArray();
        var target = runtime.Length > 0 && runtime.All(i => Tensor(i).Shape.Length == outRank) ? Current(runtime[0]).Perm : Identity(outRank);
        var inputs = op.Inputs.Select(i => IsConstant(i) ? BroadcastConstant(i, outRank, target)
            : InLayout(i, Tensor(i).Shape.Length == outRank ? target : Identity(Tensor(i).Shape.Length))).ToArray();
        Set(op.Outputs[0], Activation(_b.Node(onnxOp, inputs), activation), target);
    }

    private void Unary(TfliteOperator op, Func<string, string> node)
    {
        var (input, perm) = Current(op.Inputs[0]);
        Set(op.Outputs[0], node(input), perm);
    }

    private void Spatial(TfliteOperator op, Func<string, string> node)
    {
        Require4D(Tensor(op.Inputs[0]));
        Set(op.Outputs[0], node(InLayout(op.Inputs[0], Nchw)), Nchw);
    }

    private void Concatenation(TfliteOperator op, ConcatenationOptions o)
    {
        var rank = Tensor(op.Outputs[0]).Shape.Length;
        var axis = o.Axis < 0 ? o.Axis + rank : o.Axis;
        var first = op.Inputs.FirstOrDefault(i => !IsConstant(i), -1);
        var target = first >= 0 ? Current(first).Perm : Identity(rank);
        var inputs = op.Inputs.Select(i => InLayout(i, target)).ToArray();
        var result = _b.Node("Concat", inputs, Int("axis", Array.IndexOf(target, axis)));
        Set(op.Outputs[0], Activation(result, o.Activation), target);
    }

    private void Pad(TfliteOperator op)
    {
        var (input, perm) = Current(op.Inputs[0]);
        var paddings = ConstantInts(op.Inputs[1]);
        var rank = perm.Length;
        if (paddings.Length != 2 * rank) throw Unsupported($"PAD paddings hold {paddings.Length} values for a rank-{rank} tensor");
        var pads = new long[2 * rank];
        for (var i = 0; i < rank; i++)
        {
            pads[i] = paddings[2 * perm[i]];
            pads[rank + i] = paddings[2 * perm[i] + 1];
        }
        List<string> inputs = [input, _b.Int64s("pads", pads)];
        if (op.Code == Op.PADV2 && op.Inputs.Length > 2 && op.Inputs[2] >= 0) inputs.Add(ScalarOf(Constant(op.Inputs[2])[0]));
        Set(op.Outputs[0], _b.Node("Pad", inputs), perm);
    }

    private void Reshape(TfliteOperator op)
    {
        var x = Tensor(op.Inputs[0]);
        var y = Tensor(op.Outputs[0]);
        if (y.Shape.Any(d => d < 0)) throw Unsupported("RESHAPE to a dynamic shape is not supported");
        var (input, perm) = Current(op.Inputs[0]);
        // A reshape follows TFLite's row-major element order; it is layout-free when only size-1 axes were moved.
        var source = OnlyUnitAxesMove(x.Shape, perm, Identity(perm.Length)) ? input : InLayout(op.Inputs[0], Identity(perm.Length));
        Set(op.Outputs[0], _b.Node("Reshape", [source, _b.Int64s("shape", [.. y.Shape.Select(d => (long)d)])]), Identity(y.Shape.Length));
    }

    private void ResizeBilinear(TfliteOperator op, ResizeBilinearOptions o)
    {
        var x = Tensor(op.Inputs[0]);
        var y = Tensor(op.Outputs[0]);
        Require4D(x);
        var size = op.Inputs.Length > 1 && IsConstant(op.Inputs[1]) ? ConstantInts(op.Inputs[1]) : [y.Shape[1], y.Shape[2]];
        var mode = o.AlignCorners ? "align_corners" : o.HalfPixelCenters ? "half_pixel" : "asymmetric";
        var sizes = _b.Int64s("sizes", x.Shape[0], x.Shape[3], size[0], size[1]);
        var result = _b.Node("Resize", [InLayout(op.Inputs[0], Nchw), "", "", sizes], String("mode", "linear"),
            String("coordinate_transformation_mode", mode));
        Set(op.Outputs[0], result, Nchw);
    }

    private void Softmax(TfliteOperator op, SoftmaxOptions o)
    {
        var (input, perm) = Current(op.Inputs[0]);
        if (o.Beta != 1f) input = _b.Node("Mul", [input, ScalarOf(o.Beta)]);
        Set(op.Outputs[0], _b.Node("Softmax", [input], Int("axis", Array.IndexOf(perm, perm.Length - 1))), perm);
    }

    // ---- padding ----

    /// <summary>ONNX pads [top, left, bottom, right] for TFLite SAME/VALID: SAME puts the odd pixel at the end.</summary>
    private static long[] Padding(TflitePadding padding, int[] inputShape, int kh, int kw, int sh, int sw, int dh, int dw)
    {
        if (padding == TflitePadding.Valid) return [0, 0, 0, 0];
        var (top, bottom) = SamePadding(inputShape[1], kh, sh, dh);
        var (left, right) = SamePadding(inputShape[2], kw, sw, dw);
        return [top, left, bottom, right];
    }

    private static (long Begin, long End) SamePadding(int input, int kernel, int stride, int dilation)
    {
        var output = (input + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Pads and output padding of ONNX ConvTranspose that reproduce TFLite's transpose convolution.</summary>
    private static (long Begin, long End, long OutputPadding) TransposePadding(TflitePadding padding, int input, int output, int kernel, int stride)
    {
        var forwardOut = padding == TflitePadding.Same ? (output + stride - 1) / stride : (output - kernel + stride) / stride;
        var total = Math.Max((forwardOut - 1) * stride + kernel - output, 0);
        var begin = total / 2;
        // ONNX output size = stride·(in − 1) + kernel − begin − end + output_padding.
        var end = (long)stride * (input - 1) + kernel - begin - output;
        return end >= 0 ? (begin, end, 0) : (begin, 0, -end);
    }

    // ---- values and layouts ----

    private string Activation(string value, TfliteActivation activation) => activation switch
    {
        TfliteActivation.None => value,
        TfliteActivation.Relu => _b.Node("Relu", [value]),
        TfliteActivation.Relu6 => _b.Node("Clip", [value, ScalarOf(0f), ScalarOf(6f)]),
        TfliteActivation.ReluN1To1 => _b.Node("Clip", [value, ScalarOf(-1f), ScalarOf(1f)]),
        TfliteActivation.Tanh => _b.Node("Tanh", [value]),
        _ => throw Unsupported($"fused activation {activation} is not supported"),
    };

    private void AddBias(TfliteOperator op, int slot, List<string> inputs)
    {
        if (op.Inputs.Length > slot && op.Inputs[slot] >= 0) inputs.Add(InLayout(op.Inputs[slot], [0]));
    }

    private string ScalarOf(float value)
    {
        if (!_scalars.TryGetValue(value, out var name)) _scalars[value] = name = _b.Scalar("scalar", value);
        return name;
    }

    private void Set(int tensor, string name, int[] perm) => _values[tensor] = (name, perm);

    private (string Name, int[] Perm) Current(int tensor)
    {
        if (_values.TryGetValue(tensor, out var v)) return v;
        if (IsConstant(tensor)) return (InLayout(tensor, Identity(Tensor(tensor).Shape.Length)), Identity(Tensor(tensor).Shape.Length));
        throw Unsupported($"tensor {tensor} ('{Tensor(tensor).Name}') is read before any operator writes it");
    }

    /// <summary>The ONNX value of <paramref name="tensor"/> with ONNX axis i holding TFLite axis <c>perm[i]</c>.</summary>
    private string InLayout(int tensor, int[] perm, string? outputName = null)
    {
        var t = Tensor(tensor);
        if (perm.Length != t.Shape.Length) throw Unsupported($"tensor '{t.Name}' has rank {t.Shape.Length}; expected rank {perm.Length}");
        var key = (tensor, string.Join(',', perm));
        if (outputName is null && _layouts.TryGetValue(key, out var cached)) return cached;
        string result;
        if (!_values.ContainsKey(tensor) && IsConstant(tensor))
        {
            result = _b.Initializer(t.Name, Permute(Constant(tensor), t.Shape, perm), [.. Permute(t.Shape, perm).Select(d => (long)d)]);
            if (outputName is not null) result = _b.NamedNode("Identity", [result], outputName);
        }
        else
        {
            var (name, current) = Current(tensor);
            if (current.SequenceEqual(perm))
                result = outputName is null || outputName == name ? name : _b.NamedNode("Identity", [name], outputName);
            else if (OnlyUnitAxesMove(t.Shape, current, perm))
                result = Node("Reshape", [name, _b.Int64s("shape", [.. Permute(t.Shape, perm).Select(d => (long)d)])], outputName);
            else
                result = Node("Transpose", [name], outputName, Ints("perm", [.. perm.Select(a => (long)Array.IndexOf(current, a))]));
        }
        if (outputName is null) _layouts[key] = result;
        return result;
    }

    private string Node(string opType, string[] inputs, string? outputName, params AttributeProto[] attributes) =>
        outputName is null ? _b.Node(opType, inputs, attributes) : _b.NamedNode(opType, inputs, outputName, attributes);

    /// <summary>A constant operand of an element-wise operator, ranked up with leading 1s and permuted like the other operand.</summary>
    private string BroadcastConstant(int tensor, int rank, int[] perm)
    {
        var t = Tensor(tensor);
        if (t.Shape.Length == rank) return InLayout(tensor, perm);
        if (t.Shape.Length > rank) throw Unsupported($"constant '{t.Name}' has a higher rank than the result");
        var shape = Enumerable.Repeat(1, rank - t.Shape.Length).Concat(t.Shape).ToArray();
        return _b.Initializer(t.Name, Permute(Constant(tensor), shape, perm), [.. Permute(shape, perm).Select(d => (long)d)]);
    }

    /// <summary>True when going from layout <paramref name="from"/> to <paramref name="to"/> keeps the element order.</summary>
    private static bool OnlyUnitAxesMove(int[] shape, int[] from, int[] to) =>
        from.Where(a => shape[a] != 1).SequenceEqual(to.Where(a => shape[a] != 1));

    private static int[] Identity(int rank) => Enumerable.Range(0, rank).ToArray();

    private static int[] Permute(int[] shape, int[] perm) => perm.Select(a => shape[a]).ToArray();

    /// <summary>Transposes row-major <paramref name="data"/> of <paramref name="shape"/> so axis i of the result is axis perm[i].</summary>
    internal static float[] Permute(float[] data, int[] shape, int[] perm)
    {
        if (perm.SequenceEqual(Identity(perm.Length))) return data;
        var rank = shape.Length;
        var strides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
        var outShape = Permute(shape, perm);
        var outStrides = perm.Select(a => strides[a]).ToArray();
        var result = new float[data.Length];
        var index = new int[rank];
        for (var o = 0; o < result.Length; o++)
        {
            var source = 0;
            for (var i = 0; i < rank; i++) source += index[i] * outStrides[i];
            result[o] = data[source];
            for (var i = rank - 1; i >= 0; i--)
            {
                if (++index[i] < outShape[i]) break;
                index[i] = 0;
            }
        }
        return result;
    }

    private bool IsConstant(int tensor) => _constants.ContainsKey(tensor) || (tensor >= 0 && Tensor(tensor).IsConstant);

    /// <summary>A constant tensor as float32 in TFLite layout (fp16 widened, quantized integers dequantized).</summary>
    private float[] Constant(int tensor)
    {
        if (_constants.TryGetValue(tensor, out var cached)) return cached;
        var t = Tensor(tensor);
        if (!t.IsConstant) throw Unsupported($"tensor '{t.Name}' must be constant");
        var bytes = t.Sparsity is null ? t.Data.Span : TfliteDensifier.Densify(t);
        float[] values;
        switch (t.Type)
        {
            case TfliteTensorType.Float32: values = MemoryMarshal.Cast<byte, float>(bytes).ToArray(); break;
            case TfliteTensorType.Float16: values = [.. MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h)]; break;
            case TfliteTensorType.Int8 or TfliteTensorType.UInt8 or TfliteTensorType.Int32 when t.Quantization is { } q:
                values = new float[t.ElementCount];
                var channelStride = t.Shape.Skip(q.QuantizedDimension + 1).Aggregate(1, (a, b) => a * b);
                for (var i = 0; i < values.Length; i++)
                {
                    var c = q.Scale.Length == 1 ? 0 : i / channelStride % t.Shape[q.QuantizedDimension];
                    long raw = t.Type switch
                    {
                        TfliteTensorType.Int8 => (sbyte)bytes[i],
                        TfliteTensorType.UInt8 => bytes[i],
                        _ => MemoryMarshal.Cast<byte, int>(bytes)[i],
                    };
                    values[i] = q.Scale[c] * (raw - q.ZeroPoint[Math.Min(c, q.ZeroPoint.Length - 1)]);
                }
                break;
            default: throw Unsupported($"constant '{t.Name}' of type {t.Type} cannot be used as float weights");
        }
        _constants[tensor] = values;
        return values;
    }

    private int[] ConstantInts(int tensor)
    {
        var t = Tensor(tensor);
        if (!t.IsConstant) throw Unsupported($"tensor '{t.Name}' must be constant (shapes, axes and paddings are read at import time)");
        return t.Type switch
        {
            TfliteTensorType.Int32 => MemoryMarshal.Cast<byte, int>(t.Data.Span).ToArray(),
            TfliteTensorType.Int64 => [.. MemoryMarshal.Cast<byte, long>(t.Data.Span).ToArray().Select(v => checked((int)v))],
            _ => throw Unsupported($"tensor '{t.Name}' of type {t.Type} is not an integer constant"),
        };
    }

    private TfliteTensor Tensor(int index)
    {
        if ((uint)index >= (uint)_graph.Tensors.Count) throw Unsupported($"tensor index {index} does not exist");
        return _graph.Tensors[index];
    }

    private T Options<T>(TfliteOperator op) where T : TfliteOptions =>
        op.Options as T ?? throw Unsupported($"its options are missing (expected {typeof(T).Name})");

    private void Require4D(TfliteTensor t)
    {
        if (t.Shape.Length != 4) throw Unsupported($"tensor '{t.Name}' has shape [{string.Join(',', t.Shape)}]; a 4-D NHWC tensor is expected");
    }

    private void RequireFloat32(TfliteTensor t, string role)
    {
        if (t.Type != TfliteTensorType.Float32) throw Unsupported($"{role} '{t.Name}' is {t.Type}; only float32 graph inputs and outputs are supported");
    }

    private static object[] Dims(int[] shape) => [.. shape.Select(d => (object)d)];

    private SynthstageException Unsupported(string reason, Exception? inner = null) => new(_op is null
        ? $"TFLite import failed: {reason}"
        : $"TFLite import failed at operator {_opIndex} ({_op.DisplayName}): {reason}", ExitCodes.BadModel, inner);
}
