using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Onnx;

/// <summary>
/// Builds an ONNX model node by node on the protobuf types: inputs, initializers, nodes and outputs,
/// with unique value names, then serialises it (optionally with weights as external data).
/// </summary>
/// <remarks>Shared by the TFLite importer and the model forge. Not thread-safe.</remarks>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto _graph;
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly int _opset;

    /// <summary>Starts an empty graph.</summary>
    /// <param name="graphName">Name stored in the graph.</param>
    /// <param name="opset">Default-domain opset version the nodes are written against.</param>
    public OnnxGraphBuilder(string graphName, int opset = 17)
    {
        _graph = new GraphProto { Name = graphName };
        _opset = opset;
    }

    /// <summary>The graph being built (for metadata and inspection).</summary>
    public GraphProto Graph => _graph;

    /// <summary>Number of nodes added so far.</summary>
    public int NodeCount => _graph.Node.Count;

    /// <summary>Returns <paramref name="prefix"/>, or it with a numeric suffix, unused so far in this graph.</summary>
    public string UniqueName(string prefix)
    {
        if (_names.Add(prefix)) return prefix;
        for (var i = 1; ; i++)
        {
            var candidate = $"{prefix}_{i}";
            if (_names.Add(candidate)) return candidate;
        }
    }

    /// <summary>Declares a graph input. Each dimension is a fixed size (int/long) or a symbolic name (string).</summary>
    public string Input(string name, DataType type, params object[] dims)
    {
        if (!_names.Add(name)) throw new ArgumentException($"Value name '{name}' is already used.", nameof(name));
        _graph.Input.Add(ValueInfo(name, type, dims));
        return name;
    }

    /// <summary>Declares an existing value as a graph output. Dimensions as for <see cref="Input"/>.</summary>
    public void Output(string name, DataType type, params object[] dims) => _graph.Output.Add(ValueInfo(name, type, dims));

    /// <summary>Adds a float32 initializer and returns its (unique) name.</summary>
    public string Initializer(string name, ReadOnlySpan<float> data, params long[] dims) =>
        AddInitializer(name, DataType.Float, MemoryMarshal.AsBytes(data), dims);

    /// <summary>Adds a float16 initializer (raw IEEE half values) and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<Half> data, params long[] dims) =>
        AddInitializer(name, DataType.Float16, MemoryMarshal.AsBytes(data), dims);

    /// <summary>Adds an int64 initializer and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<long> data, params long[] dims) =>
        AddInitializer(name, DataType.Int64, MemoryMarshal.AsBytes(data), dims);

    /// <summary>Adds an int32 initializer and returns its name.</summary>
    public string Initializer(string name, ReadOnlySpan<int> data, params long[] dims) =>
        AddInitializer(name, DataType.Int32, MemoryMarshal.AsBytes(data), dims);

    /// <summary>Adds a 1-D int64 constant (shapes, axes, pads) and returns its name.</summary>
    public string Int64s(string name, params long[] values) => Initializer(name, values, values.Length);

    /// <summary>Adds a float32 scalar constant and returns its name.</summary>
    public string Scalar(string name, float value) => Initializer(name, [value]);

    /// <summary>
    /// Adds an initializer whose bytes are already stored in an ONNX external-data file beside the model
    /// (for example written while the graph was built, so a multi-gigabyte model never sits in memory).
    /// </summary>
    /// <param name="name">Preferred initializer name; a numeric suffix is added when it is taken.</param>
    /// <param name="type">Element type of the stored tensor.</param>
    /// <param name="location">External-data file name, relative to the model file's folder.</param>
    /// <param name="offset">Byte offset of the tensor in that file.</param>
    /// <param name="length">Byte length of the tensor in that file.</param>
    /// <param name="dims">Tensor dimensions.</param>
    /// <returns>The unique initializer name.</returns>
    public string ExternalInitializer(string name, DataType type, string location, long offset, long length, params long[] dims)
    {
        var unique = UniqueName(name);
        var t = new TensorProto { Name = unique, DataType = (int)type, DataLocation = TensorProto.Types.DataLocation.External };
        t.Dims.AddRange(dims);
        t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
        t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        _graph.Initializer.Add(t);
        return unique;
    }

    private string AddInitializer(string name, DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var unique = UniqueName(name);
        var t = new TensorProto { Name = unique, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        t.Dims.AddRange(dims);
        _graph.Initializer.Add(t);
        return unique;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    /// <param name="opType">ONNX operator, for example "Conv".</param>
    /// <param name="inputs">Input value names; an empty string marks an omitted optional input.</param>
    /// <param name="attributes">Attributes built with <see cref="OnnxAttribute"/>.</param>
    public string Node(string opType, IReadOnlyList<string> inputs, params AttributeProto[] attributes) =>
        Node(opType, inputs, 1, attributes)[0];

    /// <summary>Adds a node with <paramref name="outputCount"/> outputs and returns their names.</summary>
    public string[] Node(string opType, IReadOnlyList<string> inputs, int outputCount, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{opType}_{_graph.Node.Count}") };
        node.Input.AddRange(inputs);
        var outputs = new string[outputCount];
        for (var i = 0; i < outputCount; i++) outputs[i] = UniqueName($"{node.Name}_out{i}");
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs;
    }

    /// <summary>Adds a node whose single output gets the exact name <paramref name="outputName"/> (for graph outputs).</summary>
    public string NamedNode(string opType, IReadOnlyList<string> inputs, string outputName, params AttributeProto[] attributes)
    {
        if (!_names.Add(outputName)) throw new ArgumentException($"Value name '{outputName}' is already used.", nameof(outputName));
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{opType}_{_graph.Node.Count}") };
        node.Input.AddRange(inputs);
        node.Output.Add(outputName);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputName;
    }

    /// <summary>Wraps the graph in a model with the default-domain opset and producer fields set.</summary>
    public ModelProto Build(string producer = "synthstage")
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = producer,
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = _opset });
        return model;
    }

    /// <summary>Serialises the model to bytes (all weights inline; the total must stay under 2 GB).</summary>
    public byte[] ToBytes(string producer = "synthstage") => Build(producer).ToByteArray();

    /// <summary>
    /// Writes the model to <paramref name="path"/>. With <paramref name="externalDataFile"/>, every initializer
    /// of at least <paramref name="externalThresholdBytes"/> bytes goes to that file beside the model
    /// (ONNX external data, needed past protobuf's 2 GB limit). Files are written under temporary names and
    /// renamed when complete.
    /// </summary>
    public void Save(string path, string? externalDataFile = null, long externalThresholdBytes = 1024, string producer = "synthstage")
    {
        var model = Build(producer);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? dataTemp = null;
        if (externalDataFile is not null)
        {
            dataTemp = Path.Combine(dir, externalDataFile + ".partial");
            using var data = new FileStream(dataTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
            foreach (var t in _graph.Initializer)
            {
                if (t.RawData.Length < externalThresholdBytes) continue;
                var offset = data.Position;
                t.RawData.WriteTo(data);
                var length = data.Position - offset;
                // Keep every tensor 64-byte aligned so runtimes can map it directly.
                var pad = (int)((64 - data.Position % 64) % 64);
                if (pad > 0) data.Write(new byte[pad]);
                t.RawData = ByteString.Empty;
                t.DataLocation = TensorProto.Types.DataLocation.External;
                t.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = externalDataFile });
                t.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                t.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            }
        }
        var modelTemp = path + ".partial";
        using (var output = new FileStream(modelTemp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            model.WriteTo(output);
        if (dataTemp is not null) File.Move(dataTemp, Path.Combine(dir, externalDataFile!), overwrite: true);
        File.Move(modelTemp, path, overwrite: true);
    }

    private static ValueInfoProto ValueInfo(string name, DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
        {
            var dim = new TensorShapeProto.Types.Dimension();
            switch (d)
            {
                case string s: dim.DimParam = s; break;
                case int i: dim.DimValue = i; break;
                case long l: dim.DimValue = l; break;
                default: throw new ArgumentException($"Dimension '{d}' must be an int, a long or a symbolic name.");
            }
            shape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
