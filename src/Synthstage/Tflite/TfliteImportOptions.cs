namespace Synthstage.Tflite;

/// <summary>Settings of <see cref="TfliteImporter"/>.</summary>
public sealed record TfliteImportOptions
{
    /// <summary>
    /// Names for the ONNX graph inputs, in the order of the TFLite subgraph's inputs; null keeps the TFLite
    /// tensor names (for the MediaPipe selfie models: <c>input_1</c>).
    /// </summary>
    public IReadOnlyList<string>? InputNames { get; init; }

    /// <summary>Names for the ONNX graph outputs, in TFLite order; null keeps the TFLite tensor names.</summary>
    public IReadOnlyList<string>? OutputNames { get; init; }

    /// <summary>Name stored in the ONNX graph; null uses the TFLite subgraph name, or "tflite" when it has none.</summary>
    public string? GraphName { get; init; }
}
