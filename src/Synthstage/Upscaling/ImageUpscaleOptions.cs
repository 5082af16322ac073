namespace Synthstage.Upscaling;

/// <summary>Settings of <see cref="ImageUpscaleJob"/>.</summary>
public sealed record ImageUpscaleOptions
{
    /// <summary>An <see cref="EsrganModel"/> name (esrgan-x2, medium-x4, …) or the path of a converted .onnx file.</summary>
    public string Model { get; init; } = "esrgan-x2";

    /// <summary>Tiling, threads and device.</summary>
    public SuperResolutionOptions SuperResolution { get; init; } = new();

    /// <summary>Watermark, label and manifest of the output (all on by default, as for every output).</summary>
    public Provenance.ProvenanceOptions Provenance { get; init; } = new();
}
