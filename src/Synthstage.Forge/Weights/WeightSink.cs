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

    /// <summary>Number of elements as an array length, or a clear error past .NET's array limit.</summary>
    protected static int ArrayLength(string name, long elements) =>
        elements <= Array.MaxLength ? (int)elements : throw new InvalidOperationException($"Parameter '{name}' has {elements} elements; too large for one array.");
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
    // Reused for every tensor: the builder copies the values into the model anyway.
    private float[] _floats = [];
    private Half[] _halves = [];

    protected override string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements)
    {
        var count = ArrayLength(name, elements);
        if (_floats.Length < count) _floats = GC.AllocateUninitializedArray<float>(count);
        WeightGenerator.Fill(_floats, count, Seed, name, init);
        if (!Fp16) return builder.Initializer(name, _floats.AsSpan(0, count), dims);
        if (_halves.Length < count) _halves = GC.AllocateUninitializedArray<Half>(count);
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(_floats.AsSpan(0, count), _halves.AsSpan(0, count));
        return builder.Initializer(name, _halves.AsSpan(0, count), dims);
    }
}

/// <summary>
/// Streams weights to an ONNX external-data file while the graph is built, so a multi-gigabyte model never
/// sits in memory; tensors are 64-byte aligned as ORT prefers for memory mapping. Each tensor is written on a
/// background task while the next one is generated (at most two tensors in memory); call <see cref="Complete"/>
/// before closing the stream.
/// </summary>
internal sealed class ExternalWeightSink(ulong seed, bool fp16, Stream data, string location, CancellationToken ct) : WeightSink(seed, fp16, ct)
{
    private static readonly byte[] Padding = new byte[64];
    // Two buffers, alternated: one is generated into while the other is being written. Reusing them avoids
    // faulting in gigabytes of fresh pages for short-lived arrays.
    private readonly float[][] _floats = [[], []];
    private readonly Half[][] _halves = [[], []];
    private int _next;
    private long _position = data.Position;
    private Task _pendingWrite = Task.CompletedTask;

    /// <summary>Waits for the last tensor to reach the stream (and surfaces any write error).</summary>
    public void Complete() => _pendingWrite.GetAwaiter().GetResult();

    protected override string Store(OnnxGraphBuilder builder, string name, long[] dims, WeightInit init, long elements)
    {
        var count = ArrayLength(name, elements);
        var slot = _next;
        _next ^= 1;
        if (_floats[slot].Length < count) _floats[slot] = GC.AllocateUninitializedArray<float>(count);
        var values = _floats[slot];
        WeightGenerator.Fill(values, count, Seed, name, init);
        ReadOnlyMemory<byte> bytes;
        if (Fp16)
        {
            if (_halves[slot].Length < count) _halves[slot] = GC.AllocateUninitializedArray<Half>(count);
            System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values.AsSpan(0, count), _halves[slot].AsSpan(0, count));
            bytes = AsBytes(_halves[slot], count * 2L);
        }
        else bytes = AsBytes(values, count * 4L);

        var offset = _position;
        var pad = (int)((64 - (offset + bytes.Length) % 64) % 64);
        _position += bytes.Length + pad;
        Complete(); // the previous write used the other slot; this slot is free again once it is done
        _pendingWrite = Task.Run(() =>
        {
            data.Write(bytes.Span);
            if (pad > 0) data.Write(Padding, 0, pad);
        });
        return builder.ExternalInitializer(name, ElementType, location, offset, bytes.Length, dims);
    }

    private static ReadOnlyMemory<byte> AsBytes<T>(T[] array, long byteCount) where T : unmanaged =>
        new ByteMemoryManager<T>(array).Memory[..(int)byteCount];

    // Views a T[] as bytes without copying (MemoryMarshal.AsBytes works on spans only).
    private sealed class ByteMemoryManager<T>(T[] array) : System.Buffers.MemoryManager<byte> where T : unmanaged
    {
        public override Span<byte> GetSpan() => System.Runtime.InteropServices.MemoryMarshal.AsBytes(array.AsSpan());

        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException();

        public override void Unpin() { }

        protected override void Dispose(bool disposing) { }
    }
}
