using System.Buffers.Binary;

namespace Synthstage.Tflite;

/// <summary>
/// Reads a TFLite flatbuffer (schema.fbs, file identifier "TFL3") into <see cref="TfliteModel"/>:
/// subgraphs, tensors with their constant data, and operators with parsed options.
/// </summary>
internal static class TfliteModelReader
{
    // Field ids of schema.fbs tables (declaration order; a union takes two ids).
    private const int ModelVersion = 0, ModelOperatorCodes = 1, ModelSubgraphs = 2, ModelDescription = 3, ModelBuffers = 4;
    private const int CodeDeprecatedBuiltin = 0, CodeCustom = 1, CodeBuiltin = 3;
    private const int GraphTensors = 0, GraphInputs = 1, GraphOutputs = 2, GraphOperators = 3, GraphName = 4;
    private const int TensorShape = 0, TensorType = 1, TensorBuffer = 2, TensorName = 3, TensorQuantization = 4, TensorSparsity = 6;
    private const int OpOpcodeIndex = 0, OpInputs = 1, OpOutputs = 2, OpBuiltinOptions = 4, OpCustomOptions = 5;
    private const int BufferData = 0, BufferOffset = 1, BufferSize = 2;
    private const int SparsityTraversalOrder = 0, SparsityBlockMap = 1, SparsityDimMetadata = 2;
    private const int DimFormat = 0, DimDenseSize = 1, DimSegmentsType = 2, DimSegments = 3, DimIndicesType = 4, DimIndices = 5;
    private const int QuantScale = 2, QuantZeroPoint = 3, QuantDimension = 6;

    /// <summary>Parses a model held in memory. The returned constants are slices of <paramref name="file"/>.</summary>
    /// <exception cref="SynthstageException">The bytes are not a readable TFLite model (exit code BadModel).</exception>
    public static TfliteModel Read(ReadOnlyMemory<byte> file, string source = "model")
    {
        if (file.Length < 8 || !file.Span.Slice(4, 4).SequenceEqual("TFL3"u8))
            throw new SynthstageException($"{source} is not a TFLite model (no 'TFL3' file identifier); pass a .tflite file", ExitCodes.BadModel);
        try
        {
            return ReadModel(file);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new SynthstageException($"{source} is a corrupt TFLite model: {e.Message}", ExitCodes.BadModel, e);
        }
    }

    private static TfliteModel ReadModel(ReadOnlyMemory<byte> file)
    {
        var root = FlatBufferTable.Root(file);
        var buffers = root.TableVector(ModelBuffers).Select(b => ReadBuffer(b, file)).ToArray();
        var codes = root.TableVector(ModelOperatorCodes).Select(c =>
            ((TfliteBuiltinOperator)Math.Max(c.Int8(CodeDeprecatedBuiltin), c.Int32(CodeBuiltin)), c.String(CodeCustom))).ToArray();
        var subgraphs = root.TableVector(ModelSubgraphs).Select(g => ReadSubGraph(g, buffers, codes)).ToArray();
        if (subgraphs.Length == 0) throw new InvalidDataException("the model has no subgraphs");
        return new TfliteModel((int)root.UInt32(ModelVersion), root.String(ModelDescription), subgraphs);
    }

    private static ReadOnlyMemory<byte> ReadBuffer(FlatBufferTable buffer, ReadOnlyMemory<byte> file)
    {
        var offset = buffer.UInt64(BufferOffset);
        if (offset <= 1) return buffer.ByteVector(BufferData);
        // Models over 2 GB keep their weights after the flatbuffer, addressed by absolute offset.
        var size = buffer.UInt64(BufferSize);
        if (offset + size > (ulong)file.Length) throw new InvalidDataException($"buffer at offset {offset} (size {size}) is past the end of the file");
        return file.Slice((int)offset, (int)size);
    }

    private static TfliteSubGraph ReadSubGraph(FlatBufferTable g, ReadOnlyMemory<byte>[] buffers, (TfliteBuiltinOperator, string?)[] codes)
    {
        var tensors = g.TableVector(GraphTensors).Select((t, i) => ReadTensor(t, i, buffers)).ToArray();
        var operators = g.TableVector(GraphOperators).Select((o, i) => ReadOperator(o, i, codes, tensors.Length)).ToArray();
        var inputs = g.Int32Vector(GraphInputs) ?? [];
        var outputs = g.Int32Vector(GraphOutputs) ?? [];
        foreach (var t in inputs.Concat(outputs))
            if ((uint)t >= (uint)tensors.Length) throw new InvalidDataException($"subgraph input/output tensor {t} does not exist");
        return new TfliteSubGraph(g.String(GraphName) ?? "", tensors, operators, inputs, outputs);
    }

    private static TfliteTensor ReadTensor(FlatBufferTable t, int index, ReadOnlyMemory<byte>[] buffers)
    {
        var bufferIndex = t.UInt32(TensorBuffer);
        if (bufferIndex >= (uint)Math.Max(buffers.Length, 1) && bufferIndex != 0)
            throw new InvalidDataException($"tensor {index} refers to missing buffer {bufferIndex}");
        var data = bufferIndex < buffers.Length ? buffers[bufferIndex] : ReadOnlyMemory<byte>.Empty;
        var shape = t.Int32Vector(TensorShape) ?? [];
        var type = (TfliteTensorType)t.Int8(TensorType);
        var sparsity = t.Table(TensorSparsity) is { } s && !data.IsEmpty ? ReadSparsity(s, index, shape.Length) : null;
        if (sparsity is null && !data.IsEmpty && ElementSize(type) is int size && size > 0 && data.Length != (long)shape.Aggregate(1L, (a, b) => a * b) * size)
            throw new InvalidDataException($"tensor {index} holds {data.Length} bytes, which does not match its shape [{string.Join(',', shape)}] of {type}");
        TfliteQuantization? quantization = null;
        if (t.Table(TensorQuantization) is { } q && q.FloatVector(QuantScale) is { Length: > 0 } scale)
            quantization = new TfliteQuantization(scale, q.Int64Vector(QuantZeroPoint) ?? new long[scale.Length], q.Int32(QuantDimension));
        return new TfliteTensor(t.String(TensorName) ?? $"tensor_{index}", shape, type, data, quantization, sparsity);
    }

    private static TfliteSparsity ReadSparsity(FlatBufferTable s, int index, int rank)
    {
        var order = s.Int32Vector(SparsityTraversalOrder) ?? [];
        var blockMap = s.Int32Vector(SparsityBlockMap) ?? [];
        var levels = s.TableVector(SparsityDimMetadata).Select(ReadDimension).ToArray();
        if (order.Length != rank + blockMap.Length || levels.Length != order.Length || order.Any(d => (uint)d >= (uint)order.Length)
            || blockMap.Any(d => (uint)d >= (uint)rank))
            throw new InvalidDataException($"tensor {index} has inconsistent sparsity parameters (traversal order [{string.Join(',', order)}], block map [{string.Join(',', blockMap)}], {levels.Length} levels, rank {rank})");
        return new TfliteSparsity(order, blockMap, levels);
    }

    private static TfliteDimensionMetadata ReadDimension(FlatBufferTable d)
    {
        if (d.Int8(DimFormat) == 0) return new TfliteDimensionMetadata(false, d.Int32(DimDenseSize), [], []);
        return new TfliteDimensionMetadata(true, 0, SparseIndexVector(d, DimSegmentsType, DimSegments), SparseIndexVector(d, DimIndicesType, DimIndices));
    }

    // SparseIndexVector union: 1 Int32Vector, 2 Uint16Vector, 3 Uint8Vector, each a table whose field 0 is `values`.
    private static int[] SparseIndexVector(FlatBufferTable d, int typeId, int valueId)
    {
        var size = d.UInt8(typeId) switch
        {
            1 => 4,
            2 => 2,
            3 => 1,
            var u => throw new InvalidDataException($"unknown sparse index vector type {u}"),
        };
        return d.Table(valueId)?.IndexVector(0, size) ?? throw new InvalidDataException("a sparse dimension has no index vector");
    }

    /// <summary>Bytes per element, or 0 for types without a fixed size.</summary>
    public static int ElementSize(TfliteTensorType type) => type switch
    {
        TfliteTensorType.Float32 or TfliteTensorType.Int32 => 4,
        TfliteTensorType.Float16 or TfliteTensorType.Int16 => 2,
        TfliteTensorType.UInt8 or TfliteTensorType.Int8 or TfliteTensorType.Bool => 1,
        TfliteTensorType.Int64 or TfliteTensorType.Float64 or TfliteTensorType.Complex64 => 8,
        _ => 0,
    };

    private static TfliteOperator ReadOperator(FlatBufferTable o, int index, (TfliteBuiltinOperator Code, string? Custom)[] codes, int tensorCount)
    {
        var opcodeIndex = o.UInt32(OpOpcodeIndex);
        if (opcodeIndex >= codes.Length) throw new InvalidDataException($"operator {index} uses missing opcode {opcodeIndex}");
        var (code, custom) = codes[opcodeIndex];
        var inputs = o.Int32Vector(OpInputs) ?? [];
        var outputs = o.Int32Vector(OpOutputs) ?? [];
        foreach (var t in inputs.Concat(outputs))
            if (t < -1 || t >= tensorCount) throw new InvalidDataException($"operator {index} refers to missing tensor {t}");
        var customOptions = o.ByteVector(OpCustomOptions);
        var options = code == TfliteBuiltinOperator.CUSTOM
            ? ParseCustomOptions(custom, customOptions.Span)
            : ParseBuiltinOptions(code, o.Table(OpBuiltinOptions));
        return new TfliteOperator(code, custom, inputs, outputs, options, customOptions);
    }

    private static TfliteOptions? ParseBuiltinOptions(TfliteBuiltinOperator code, FlatBufferTable? table)
    {
        if (table is not { } t)
            return code switch
            {
                // Absent options tables mean every field has its schema default.
                TfliteBuiltinOperator.ADD or TfliteBuiltinOperator.MUL or TfliteBuiltinOperator.SUB or TfliteBuiltinOperator.DIV
                    => new FusedActivationOptions(TfliteActivation.None),
                TfliteBuiltinOperator.MEAN or TfliteBuiltinOperator.SUM or TfliteBuiltinOperator.REDUCE_MAX
                    or TfliteBuiltinOperator.REDUCE_MIN or TfliteBuiltinOperator.REDUCE_PROD => new ReducerOptions(false),
                TfliteBuiltinOperator.RESIZE_BILINEAR => new ResizeBilinearOptions(false, false),
                TfliteBuiltinOperator.CONCATENATION => new ConcatenationOptions(0, TfliteActivation.None),
                TfliteBuiltinOperator.SOFTMAX => new SoftmaxOptions(1f),
                _ => null,
            };
        return code switch
        {
            TfliteBuiltinOperator.CONV_2D => new Conv2DOptions((TflitePadding)t.Int8(0), t.Int32(1), t.Int32(2),
                (TfliteActivation)t.Int8(3), t.Int32(4, 1), t.Int32(5, 1)),
            TfliteBuiltinOperator.DEPTHWISE_CONV_2D => new DepthwiseConv2DOptions((TflitePadding)t.Int8(0), t.Int32(1), t.Int32(2),
                t.Int32(3), (TfliteActivation)t.Int8(4), t.Int32(5, 1), t.Int32(6, 1)),
            TfliteBuiltinOperator.AVERAGE_POOL_2D or TfliteBuiltinOperator.MAX_POOL_2D or TfliteBuiltinOperator.L2_POOL_2D
                => new Pool2DOptions((TflitePadding)t.Int8(0), t.Int32(1), t.Int32(2), t.Int32(3), t.Int32(4), (TfliteActivation)t.Int8(5)),
            TfliteBuiltinOperator.ADD or TfliteBuiltinOperator.MUL or TfliteBuiltinOperator.SUB or TfliteBuiltinOperator.DIV
                => new FusedActivationOptions((TfliteActivation)t.Int8(0)),
            TfliteBuiltinOperator.CONCATENATION => new ConcatenationOptions(t.Int32(0), (TfliteActivation)t.Int8(1)),
            TfliteBuiltinOperator.RESHAPE => new ReshapeOptions(t.Int32Vector(0)),
            TfliteBuiltinOperator.RESIZE_BILINEAR => new ResizeBilinearOptions(t.Bool(2), t.Bool(3)),
            TfliteBuiltinOperator.MEAN or TfliteBuiltinOperator.SUM or TfliteBuiltinOperator.REDUCE_MAX
                or TfliteBuiltinOperator.REDUCE_MIN or TfliteBuiltinOperator.REDUCE_PROD => new ReducerOptions(t.Bool(0)),
            TfliteBuiltinOperator.DEPTH_TO_SPACE or TfliteBuiltinOperator.SPACE_TO_DEPTH => new BlockSizeOptions(t.Int32(0)),
            TfliteBuiltinOperator.SOFTMAX => new SoftmaxOptions(t.Float32(0)),
            TfliteBuiltinOperator.TRANSPOSE_CONV => new TransposeConvOptions((TflitePadding)t.Int8(0), t.Int32(1), t.Int32(2),
                (TfliteActivation)t.Int8(3)),
            _ => null,
        };
    }

    private static TfliteOptions? ParseCustomOptions(string? customCode, ReadOnlySpan<byte> data)
    {
        if (customCode != "Convolution2DTransposeBias") return null;
        if (data.Length < 12) throw new InvalidDataException($"Convolution2DTransposeBias options hold {data.Length} bytes; expected 12 (padding, stride_w, stride_h)");
        var padding = BinaryPrimitives.ReadInt32LittleEndian(data) switch
        {
            1 => TflitePadding.Same,
            2 => TflitePadding.Valid,
            var p => throw new InvalidDataException($"Convolution2DTransposeBias has unknown padding {p}"),
        };
        return new TransposeConvOptions(padding, BinaryPrimitives.ReadInt32LittleEndian(data[4..]), BinaryPrimitives.ReadInt32LittleEndian(data[8..]));
    }
}
