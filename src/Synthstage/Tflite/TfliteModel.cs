namespace Synthstage.Tflite;

/// <summary>TFLite tensor element types (schema.fbs <c>TensorType</c>).</summary>
internal enum TfliteTensorType : sbyte
{
    Float32 = 0, Float16 = 1, Int32 = 2, UInt8 = 3, Int64 = 4, String = 5, Bool = 6, Int16 = 7,
    Complex64 = 8, Int8 = 9, Float64 = 10,
}

/// <summary>Fused activation applied to an operator's output (schema.fbs <c>ActivationFunctionType</c>).</summary>
internal enum TfliteActivation : sbyte { None = 0, Relu = 1, ReluN1To1 = 2, Relu6 = 3, Tanh = 4, SignBit = 5 }

/// <summary>Padding of convolutions and pools (schema.fbs <c>Padding</c>).</summary>
internal enum TflitePadding : sbyte { Same = 0, Valid = 1 }

/// <summary>Affine quantization of a tensor: real = scale · (q − zero_point), per tensor or per channel.</summary>
internal sealed record TfliteQuantization(float[] Scale, long[] ZeroPoint, int QuantizedDimension);

/// <summary>One tensor of a subgraph. <see cref="Data"/> is non-empty for constants (weights).</summary>
/// <remarks>A sparse constant (<see cref="Sparsity"/> set) holds only its stored values in <see cref="Data"/>; a DENSIFY
/// operator expands it (see <see cref="TfliteDensifier"/>).</remarks>
internal sealed record TfliteTensor(string Name, int[] Shape, TfliteTensorType Type, ReadOnlyMemory<byte> Data,
    TfliteQuantization? Quantization = null, TfliteSparsity? Sparsity = null)
{
    /// <summary>True when the tensor holds constant data.</summary>
    public bool IsConstant => !Data.IsEmpty;

    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public int ElementCount => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>How one level of a sparse tensor is stored (schema.fbs <c>DimensionMetadata</c>).</summary>
/// <param name="Sparse">False for a dense level (all <paramref name="DenseSize"/> indices), true for CSR.</param>
/// <param name="DenseSize">Size of a dense level.</param>
/// <param name="Segments">CSR: start of each parent's run in <paramref name="Indices"/> (one more than the parents).</param>
/// <param name="Indices">CSR: the stored indices along this level.</param>
internal sealed record TfliteDimensionMetadata(bool Sparse, int DenseSize, int[] Segments, int[] Indices);

/// <summary>
/// Sparse storage of a constant tensor (schema.fbs <c>SparsityParameters</c>): the levels in traversal order; levels past
/// the tensor's rank are blocks of the dimensions named by <paramref name="BlockMap"/>.
/// </summary>
internal sealed record TfliteSparsity(int[] TraversalOrder, int[] BlockMap, TfliteDimensionMetadata[] Levels);

/// <summary>One operator: its builtin code (or CUSTOM with a custom code), tensor indices and parsed options.</summary>
/// <param name="Code">The builtin operator code (max of deprecated_builtin_code and builtin_code).</param>
/// <param name="CustomCode">The custom operator name when <paramref name="Code"/> is CUSTOM.</param>
/// <param name="Inputs">Input tensor indices; −1 marks an omitted optional input.</param>
/// <param name="Outputs">Output tensor indices.</param>
/// <param name="Options">Parsed builtin (or known custom) options, or null when the operator has none.</param>
/// <param name="CustomOptions">Raw custom options bytes.</param>
internal sealed record TfliteOperator(TfliteBuiltinOperator Code, string? CustomCode, int[] Inputs, int[] Outputs,
    TfliteOptions? Options = null, ReadOnlyMemory<byte> CustomOptions = default)
{
    /// <summary>The name used in messages: the builtin name, or the custom code.</summary>
    public string DisplayName => Code == TfliteBuiltinOperator.CUSTOM ? CustomCode ?? "CUSTOM" : TfliteBuiltinOperatorNames.Name(Code);
}

/// <summary>A subgraph: tensors, operators in execution order, and the indices of its inputs and outputs.</summary>
internal sealed record TfliteSubGraph(string Name, IReadOnlyList<TfliteTensor> Tensors, IReadOnlyList<TfliteOperator> Operators,
    int[] Inputs, int[] Outputs);

/// <summary>A parsed TFLite model: its schema version, description and subgraphs (subgraph 0 is the main one).</summary>
internal sealed record TfliteModel(int Version, string? Description, IReadOnlyList<TfliteSubGraph> SubGraphs);
