using Synthstage.Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Synthstage.Forge.Weights;

/// <summary>
/// Receives every parameter tensor of a graph as it is built. The graph code is the same whether the sink only
/// counts (<see cref="CountingWeightSink"/>), stores weights in the model (<see cref="InlineWeightSink"/>) or streams
/// them to an external-data file (<see cref="ExternalWeightSink"/>), so counts and written models cannot disagree.
/// </summary>
internal abstract class WeightSink
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly CancellationToken _ct;

    protected WeightSink(ulong seed, bool fp16, CancellationToken ct)
    {
        Seed = seed;
        Fp16 = fp16;
        _ct = ct;
    }

    /// <summary>Seed of the weight noise.</summary>
    public ulong Seed { get; }

    /// <summary>Weights are stored as float16 rather than float32.</summary>
    public bool Fp16 { get; }

    /// <summary>Element type of stored weights.</summary>
    public DataType ElementType => Fp16 ? DataType.Float16 : DataType.Float;

    /// <summary>Parameter elements received so far.</summary>
    public long ParameterCount { get; private set; }

    /// <summary>Parameter tensors received so far.</summary>
    public int TensorCount => _names.Count;

    /// <summary>Called after each tensor with <see cref="ParameterCount"/>.</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Adds the parameter <paramref name="name"/> of shape <paramref name="dims"/> and returns its value name.</summary>
    public string Add(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init)
    {
        _ct.ThrowIfCancellationRequested();
        if (!_names.Add(name)) throw new InvalidOperationException($"Parameter '{name}' was added twice; forge graph code is wrong.");
        long elements = 1;
        foreach (var d in dims) elements *= d;
        var valueName = Store(builder, name, dims, init, elements);
        ParameterCount += elements;
        Progress?.Invoke(ParameterCount);
        return valueName;
    }

    /// <summary>Stores one tensor and returns its value name in the graph.</summary>
    protected abstract string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements);

    /// <summary>Generates the tensor's values as float32.</summary>
    protected float[] Generate(string name, WeightInit init, long elements)
    {
        if (elements > Array.MaxLength) throw new InvalidOperationException($"Parameter '{name}' has {elements} elements; too large for one array.");
        var values = GC.AllocateUninitializedArray<float>((int)elements);
        WeightGenerator.Fill(values, Seed, name, init);
        return values;
    }
}

/// <summary>Counts parameters and names them without generating any data (graphs built this way are never saved).</summary>
internal sealed class CountingWeightSink(bool fp16, CancellationToken ct = default) : WeightSink(0, fp16, ct)
{
    protected override string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements) =>
        builder.UniqueName(name);
}

/// <summary>Stores weights inside the model file (models whose serialised size stays under protobuf's 2 GB).</summary>
internal sealed class InlineWeightSink(ulong seed, bool fp16, CancellationToken ct) : WeightSink(seed, fp16, ct)
{
    protected override string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements)
    {
        var values = Generate(name, init, elements);
        return Fp16 ? builder.Initializer(name, WeightGenerator.ToHalf(values), dims) : builder.Initializer(name, values, dims);
    }
}

/// <summary>
/// Streams weights to an ONNX external-data file while the graph is built, so a multi-gigabyte model never
/// sits in memory; tensors are 64-byte aligned as ORT prefers for memory mapping.
/// </summary>
internal sealed class ExternalWeightSink(ulong seed, bool fp16, Stream data, string location, CancellationToken ct) : WeightSink(seed, fp16, ct)
{
    private static readonly byte[] Padding = new byte[64];

    protected override string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements)
    {
        var values = Generate(name, init, elements);
        var offset = data.Position;
        if (Fp16) data.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(WeightGenerator.ToHalf(values).AsSpan()));
        else data.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        var length = data.Position - offset;
        var pad = (int)((64 - data.Position % 64) % 64);
        if (pad > 0) data.Write(Padding, 0, pad);
        return builder.ExternalInitializer(name, ElementType, location, offset, length, dims);
    }
}
