namespace Synthstage.Tfjs;

/// <summary>Settings of <see cref="TfjsImporter"/>.</summary>
public sealed record TfjsImportOptions
{
    /// <summary>Name of the ONNX graph input; null keeps the Keras input layer's name.</summary>
    public string? InputName { get; init; }

    /// <summary>Name of the ONNX graph output; null keeps the Keras output layer's name.</summary>
    public string? OutputName { get; init; }

    /// <summary>Name stored in the ONNX graph; null uses the Keras model's name.</summary>
    public string? GraphName { get; init; }

    /// <summary>
    /// Factor applied to the input before the first layer (1 = none). A model trained on 0..255 pixels (UpscalerJS's
    /// RDN ESRGANs) takes 0..1 input with 255 here.
    /// </summary>
    public float InputScale { get; init; } = 1f;

    /// <summary>Factor applied to the last layer's output (1 = none); 1/255 turns a 0..255 output into 0..1.</summary>
    public float OutputScale { get; init; } = 1f;
}
