using System.Globalization;
using System.Text.Json;
using Onnx;
using Synthstage.Onnx;
using static Synthstage.Onnx.OnnxAttribute;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Tfjs;

/// <summary>
/// Converts a <see cref="TfjsLayersModel"/> to an ONNX graph (opset <see cref="Opset"/>) whose input and output keep
/// Keras' NHWC layout, with NCHW inside: one Transpose after the input and one before the output.
/// </summary>
/// <remarks>
/// Besides the graph, every value's geometry is followed: output size = scale · input size + offset per axis, and
/// the receptive radius in input pixels (how far from an output pixel, in the input, the values it depends on lie).
/// Tiled inference needs both, so they are stored in the model's metadata when the model preserves geometry
/// (<see cref="TfjsImporter.UpscaleFactorKey"/>, <see cref="TfjsImporter.ReceptiveRadiusKey"/>).
/// </remarks>
internal sealed class TfjsToOnnxConverter
{
    /// <summary>The default-domain opset the graph is written against.</summary>
    public const int Opset = 17;

    private const string Supported = "InputLayer, Conv2D, Activation, ReLU, Concatenate, Add, UpSampling2D";
    private static readonly long[] ToNchw = [0, 3, 1, 2];
    private static readonly long[] ToNhwc = [0, 2, 3, 1];

    private readonly TfjsLayersModel _model;
    private readonly string _source;
    private readonly OnnxGraphBuilder _b;
    private readonly Dictionary<string, TfjsLayer> _layers;
    private readonly Dictionary<string, Value> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _visiting = new(StringComparer.Ordinal);

    /// <summary>An ONNX value (NCHW) with its channel count and geometry relative to the model input.</summary>
    private sealed record Value(string Name, int Channels, Geometry Geometry);

    /// <summary>Size = Scale · input + Offset on each axis; Radius in input pixels.</summary>
    private sealed record Geometry(int ScaleH, int OffsetH, int ScaleW, int OffsetW, double Radius);

    private TfjsToOnnxConverter(TfjsLayersModel model, string source, string graphName)
    {
        _model = model;
        _source = source;
        _b = new OnnxGraphBuilder(graphName, Opset);
        _layers = new Dictionary<string, TfjsLayer>(StringComparer.Ordinal);
        foreach (var layer in model.Layers)
            if (!_layers.TryAdd(layer.Name, layer)) throw Bad($"has two layers named '{layer.Name}'");
    }

    /// <summary>Converts <paramref name="model"/> and returns the ONNX model.</summary>
    /// <param name="model">The parsed model.</param>
    /// <param name="source">How error messages name the model (its path).</param>
    /// <param name="options">Names and value scaling.</param>
    /// <exception cref="SynthstageException">An unsupported layer or setting, or weights that do not fit (BadModel).</exception>
    public static ModelProto Convert(TfjsLayersModel model, string source, TfjsImportOptions options)
    {
        var converter = new TfjsToOnnxConverter(model, source, options.GraphName ?? model.Name);
        return converter.Run(options);
    }

    private ModelProto Run(TfjsImportOptions options)
    {
        var input = _layers.GetValueOrDefault(_model.InputLayer) ?? throw Bad($"names input layer '{_model.InputLayer}', which does not exist");
        if (input.ClassName != "InputLayer") throw Unsupported(input, "is named as the model input but is not an InputLayer");
        var shape = BatchInputShape(input);
        var inputName = _b.Input(options.InputName ?? input.Name, DataType.Float,
            Dim(shape[0], "batch"), Dim(shape[1], "height"), Dim(shape[2], "width"), shape[3]!.Value);
        var x = _b.Node("Transpose", [inputName], Ints("perm", ToNchw));
        if (options.InputScale != 1f) x = _b.Node("Mul", [x, _b.Scalar("input_scale", options.InputScale)]);
        _values[input.Name] = new Value(x, shape[3]!.Value, new Geometry(1, 0, 1, 0, 0));

        foreach (var layer in _model.Layers) Resolve(layer.Name, layer);
        var output = Resolve(_model.OutputLayer, null);
        var y = output.Name;
        if (options.OutputScale != 1f) y = _b.Node("Mul", [y, _b.Scalar("output_scale", options.OutputScale)]);
        var outputName = _b.NamedNode("Transpose", [y], options.OutputName ?? _model.OutputLayer, Ints("perm", ToNhwc));
        var g = output.Geometry;
        _b.Output(outputName, DataType.Float, Dim(shape[0], "batch"), OutDim(shape[1], g.ScaleH, g.OffsetH, "height"),
            OutDim(shape[2], g.ScaleW, g.OffsetW, "width"), output.Channels);

        var onnx = _b.Build("synthstage-tfjs");
        if (g.ScaleH == g.ScaleW && g.OffsetH == 0 && g.OffsetW == 0)
        {
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = TfjsImporter.UpscaleFactorKey, Value = g.ScaleH.ToString(CultureInfo.InvariantCulture) });
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = TfjsImporter.ReceptiveRadiusKey, Value = ((int)Math.Ceiling(g.Radius)).ToString(CultureInfo.InvariantCulture) });
        }
        return onnx;
    }

    private Value Resolve(string name, TfjsLayer? referrer)
    {
        if (_values.TryGetValue(name, out var done)) return done;
        var layer = _layers.GetValueOrDefault(name)
            ?? throw (referrer is null ? Bad($"names output layer '{name}', which does not exist") : Unsupported(referrer, $"reads layer '{name}', which does not exist"));
        if (!_visiting.Add(name)) throw Unsupported(layer, "is part of a cycle");
        var inputs = layer.Inputs.Select(i => Resolve(i, layer)).ToArray();
        try
        {
            var value = layer.ClassName switch
            {
                "InputLayer" => throw Unsupported(layer, "is a second input; only models with one input can be imported"),
                "Conv2D" => Conv2D(layer, Single(layer, inputs)),
                "Activation" => Activation(layer, Single(layer, inputs), Str(layer, "activation", "linear")),
                "ReLU" => ReLU(layer, Single(layer, inputs)),
                "Concatenate" => Concatenate(layer, inputs),
                "Add" => Add(layer, inputs),
                "UpSampling2D" => UpSampling2D(layer, Single(layer, inputs)),
                _ => throw new SynthstageException(
                    $"TF.js model {_source}: {layer.DisplayName} is not supported; supported layers: {Supported}", ExitCodes.BadModel),
            };
            _values[name] = value;
            return value;
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException)
        {
            // A config value of the wrong JSON type (a string where a number belongs, a short list) in a corrupt file.
            throw Unsupported(layer, $"has a malformed config ({e.Message})");
        }
        finally
        {
            _visiting.Remove(name);
        }
    }

    // ---- layers ----

    private Value Conv2D(TfjsLayer layer, Value x)
    {
        RequireChannelsLast(layer);
        var filters = PositiveInt(layer, "filters");
        var (kh, kw) = Pair(layer, "kernel_size");
        var (sh, sw) = Pair(layer, "strides", 1);
        var (dh, dw) = Pair(layer, "dilation_rate", 1);
        if (sh != 1 || sw != 1) throw Unsupported(layer, $"has strides [{sh}, {sw}]; only stride 1 is supported");
        if (dh != 1 || dw != 1) throw Unsupported(layer, $"has dilation_rate [{dh}, {dw}]; only dilation 1 is supported");
        if (layer.Config.TryGetProperty("groups", out var groups) && groups.GetInt32() != 1) throw Unsupported(layer, "is a grouped convolution; only groups 1 is supported");
        var padding = Str(layer, "padding", "valid");
        if (padding is not ("same" or "valid")) throw Unsupported(layer, $"has padding '{padding}'; only same and valid are supported");

        var kernel = Weight(layer, "kernel", [kh, kw, x.Channels, filters]);
        // Keras HWIO [kh, kw, in, out] → ONNX OIHW [out, in, kh, kw].
        var oihw = new float[kernel.Values.Length];
        var cin = x.Channels;
        for (var y = 0; y < kh; y++)
            for (var xx = 0; xx < kw; xx++)
                for (var i = 0; i < cin; i++)
                    for (var o = 0; o < filters; o++)
                        oihw[((o * cin + i) * kh + y) * kw + xx] = kernel.Values[((y * kw + xx) * cin + i) * filters + o];
        List<string> inputs = [x.Name, _b.Initializer(layer.Name + "_kernel", oihw, filters, cin, kh, kw)];
        if (Bool(layer, "use_bias", true)) inputs.Add(_b.Initializer(layer.Name + "_bias", Weight(layer, "bias", [filters]).Values, filters));

        // TF's "same" at stride 1 pads k−1 in total, the odd one at the end (bottom, right).
        long top = padding == "same" ? (kh - 1) / 2 : 0, left = padding == "same" ? (kw - 1) / 2 : 0;
        long bottom = padding == "same" ? kh - 1 - top : 0, right = padding == "same" ? kw - 1 - left : 0;
        var conv = _b.Node("Conv", inputs, Ints("kernel_shape", kh, kw), Ints("pads", top, left, bottom, right),
            Ints("strides", 1, 1), Ints("dilations", 1, 1), OnnxAttribute.Int("group", 1));

        var g = x.Geometry;
        var reach = Math.Max((double)Math.Max(top, bottom) / g.ScaleH, (double)Math.Max(left, right) / g.ScaleW);
        var geometry = padding == "same"
            ? g with { Radius = g.Radius + reach }
            : g with { OffsetH = g.OffsetH - (kh - 1), OffsetW = g.OffsetW - (kw - 1), Radius = g.Radius + Math.Max((kh - 1.0) / g.ScaleH, (kw - 1.0) / g.ScaleW) };
        return Activation(layer, new Value(conv, filters, geometry), Str(layer, "activation", "linear"));
    }

    private Value Activation(TfjsLayer layer, Value x, string activation) => activation switch
    {
        "linear" => x,
        "relu" => x with { Name = _b.Node("Relu", [x.Name]) },
        "sigmoid" => x with { Name = _b.Node("Sigmoid", [x.Name]) },
        "tanh" => x with { Name = _b.Node("Tanh", [x.Name]) },
        _ => throw Unsupported(layer, $"uses activation '{activation}'; supported: linear, relu, sigmoid, tanh"),
    };

    private Value ReLU(TfjsLayer layer, Value x)
    {
        var max = layer.Config.TryGetProperty("max_value", out var m) && m.ValueKind == JsonValueKind.Number ? m.GetSingle() : (float?)null;
        var slope = layer.Config.TryGetProperty("negative_slope", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetSingle() : 0f;
        var threshold = layer.Config.TryGetProperty("threshold", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetSingle() : 0f;
        if (threshold != 0f || (slope != 0f && max is not null))
            throw Unsupported(layer, "has a threshold, or both max_value and negative_slope; only relu, relu with max_value, and leaky relu are supported");
        if (slope != 0f) return x with { Name = _b.Node("LeakyRelu", [x.Name], Float("alpha", slope)) };
        if (max is { } limit) return x with { Name = _b.Node("Clip", [x.Name, _b.Scalar(layer.Name + "_min", 0f), _b.Scalar(layer.Name + "_max", limit)]) };
        return x with { Name = _b.Node("Relu", [x.Name]) };
    }

    private Value Concatenate(TfjsLayer layer, Value[] inputs)
    {
        if (inputs.Length < 2) throw Unsupported(layer, $"has {inputs.Length} input(s); Concatenate needs at least 2");
        var axis = layer.Config.TryGetProperty("axis", out var a) ? a.GetInt32() : -1;
        if (axis is not (3 or -1)) throw Unsupported(layer, $"concatenates along axis {axis}; only the channel axis (3 or -1) is supported");
        RequireSameGeometry(layer, inputs);
        var y = _b.Node("Concat", inputs.Select(v => v.Name).ToArray(), OnnxAttribute.Int("axis", 1));
        return new Value(y, inputs.Sum(v => v.Channels), MaxRadius(inputs));
    }

    private Value Add(TfjsLayer layer, Value[] inputs)
    {
        if (inputs.Length < 2) throw Unsupported(layer, $"has {inputs.Length} input(s); Add needs at least 2");
        if (inputs.Any(v => v.Channels != inputs[0].Channels))
            throw Unsupported(layer, $"adds tensors of {string.Join(", ", inputs.Select(v => v.Channels))} channels; they must match");
        RequireSameGeometry(layer, inputs);
        var sum = inputs[0].Name;
        for (var i = 1; i < inputs.Length; i++) sum = _b.Node("Add", [sum, inputs[i].Name]);
        return new Value(sum, inputs[0].Channels, MaxRadius(inputs));
    }

    private Value UpSampling2D(TfjsLayer layer, Value x)
    {
        RequireChannelsLast(layer);
        var (sh, sw) = Pair(layer, "size", 2);
        if (sh < 1 || sw < 1) throw Unsupported(layer, $"has size [{sh}, {sw}]; sizes must be at least 1");
        var interpolation = Str(layer, "interpolation", "nearest");
        if (interpolation != "nearest") throw Unsupported(layer, $"uses interpolation '{interpolation}'; only nearest is supported");
        // Nearest with asymmetric coordinates and floor repeats each pixel sh×sw times, as Keras' UpSampling2D does.
        var scales = _b.Initializer(layer.Name + "_scales", [1f, 1f, sh, sw], 4);
        var y = _b.Node("Resize", [x.Name, "", scales], String("mode", "nearest"),
            String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor"));
        var g = x.Geometry;
        return new Value(y, x.Channels, g with { ScaleH = g.ScaleH * sh, OffsetH = g.OffsetH * sh, ScaleW = g.ScaleW * sw, OffsetW = g.OffsetW * sw });
    }

    // ---- helpers ----

    private int?[] BatchInputShape(TfjsLayer input)
    {
        if (!input.Config.TryGetProperty("batch_input_shape", out var s) && !input.Config.TryGetProperty("batch_shape", out s))
            throw Unsupported(input, "has no batch_input_shape");
        var dims = s.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number ? d.GetInt32() : (int?)null).ToArray();
        if (dims.Length != 4 || dims[3] is null)
            throw Unsupported(input, $"has shape [{string.Join(", ", dims.Select(d => d?.ToString(CultureInfo.InvariantCulture) ?? "null"))}]; only 4-D NHWC images with a known channel count are supported");
        return dims;
    }

    private static object Dim(int? size, string symbol) => size is { } n ? n : symbol;

    private static object OutDim(int? size, int scale, int offset, string symbol) =>
        size is { } n ? scale * n + offset : scale == 1 && offset == 0 ? symbol : "out_" + symbol;

    private static Value Single(TfjsLayer layer, Value[] inputs) =>
        inputs.Length == 1 ? inputs[0] : throw new SynthstageException($"{layer.DisplayName} has {inputs.Length} inputs; it takes one", ExitCodes.BadModel);

    private void RequireSameGeometry(TfjsLayer layer, Value[] inputs)
    {
        var g = inputs[0].Geometry;
        if (inputs.Any(v => (v.Geometry.ScaleH, v.Geometry.OffsetH, v.Geometry.ScaleW, v.Geometry.OffsetW) != (g.ScaleH, g.OffsetH, g.ScaleW, g.OffsetW)))
            throw Unsupported(layer, "joins tensors of different spatial sizes");
    }

    private static Geometry MaxRadius(Value[] inputs) => inputs[0].Geometry with { Radius = inputs.Max(v => v.Geometry.Radius) };

    private void RequireChannelsLast(TfjsLayer layer)
    {
        var format = Str(layer, "data_format", "channels_last");
        if (format != "channels_last") throw Unsupported(layer, $"uses data_format '{format}'; only channels_last is supported");
    }

    private TfjsWeight Weight(TfjsLayer layer, string suffix, int[] shape)
    {
        var name = $"{layer.Name}/{suffix}";
        if (!_model.Weights.TryGetValue(name, out var weight)) throw Unsupported(layer, $"has no weight '{name}' in the weights manifest");
        if (!weight.Shape.SequenceEqual(shape))
            throw Unsupported(layer, $"has weight '{name}' of shape [{string.Join(", ", weight.Shape)}]; its config and input need [{string.Join(", ", shape)}]");
        return weight;
    }

    private static string Str(TfjsLayer layer, string key, string fallback) =>
        layer.Config.ValueKind == JsonValueKind.Object && layer.Config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : fallback;

    private static bool Bool(TfjsLayer layer, string key, bool fallback) =>
        layer.Config.ValueKind == JsonValueKind.Object && layer.Config.TryGetProperty(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private int PositiveInt(TfjsLayer layer, string key) =>
        layer.Config.ValueKind == JsonValueKind.Object && layer.Config.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number && v.GetInt32() > 0
            ? v.GetInt32() : throw Unsupported(layer, $"has no positive '{key}'");

    /// <summary>A Keras pair setting, given as [a, b] or as one number for both.</summary>
    private (int A, int B) Pair(TfjsLayer layer, string key, int? fallback = null)
    {
        if (layer.Config.ValueKind != JsonValueKind.Object || !layer.Config.TryGetProperty(key, out var v))
            return fallback is { } f ? (f, f) : throw Unsupported(layer, $"has no '{key}'");
        if (v.ValueKind == JsonValueKind.Number) return (v.GetInt32(), v.GetInt32());
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2) return (v[0].GetInt32(), v[1].GetInt32());
        throw Unsupported(layer, $"has a '{key}' that is neither a number nor a pair");
    }

    private SynthstageException Unsupported(TfjsLayer layer, string what) =>
        new($"TF.js model {_source}: {layer.DisplayName} {what}", ExitCodes.BadModel);

    private SynthstageException Bad(string what) => new($"TF.js model {_source} {what}", ExitCodes.BadModel);
}
