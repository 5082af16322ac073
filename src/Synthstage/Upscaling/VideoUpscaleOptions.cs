using Synthstage.Media;

namespace Synthstage.Upscaling;

/// <summary>Settings of <see cref="VideoUpscaleJob"/>.</summary>
public sealed record VideoUpscaleOptions
{
    /// <summary>An <see cref="EsrganModel"/> name (esrgan-x2, medium-x4, …) or the path of a converted .onnx file.</summary>
    public string Model { get; init; } = "esrgan-x2";

    /// <summary>Tiling, threads and device: the tile size bounds the model's memory whatever the frame size.</summary>
    public SuperResolutionOptions SuperResolution { get; init; } = new();

    /// <summary>Format, CRF, preset and VP9 deadline of the output video.</summary>
    public EncoderSettings Encoder { get; init; } = EncoderSettings.Default;

    /// <summary>Copy the input's audio into the output (when it has any and the format carries audio).</summary>
    public bool KeepAudio { get; init; } = true;

    /// <summary>Watermark, label and manifest of the output (all on by default, as for every output).</summary>
    public Provenance.ProvenanceOptions Provenance { get; init; } = new();
}
