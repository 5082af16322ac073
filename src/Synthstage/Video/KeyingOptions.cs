using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;

namespace Synthstage.Video;

/// <summary>Settings shared by every job that keys a subject out of footage.</summary>
public sealed record KeyingOptions : ISettingsDescription
{
    /// <summary>
    /// Segmentation model: auto (the general selfie model ∪ BlazePose lite, see
    /// <see cref="Segmentation.SegmentationModelResolver.AutoChoice"/>), general, landscape, the pose and fused person models, or an ONNX file (selfie-style mask model, MODNet, or Robust Video
    /// Matting — GPL-3.0), or a folder, catalog id or Hub name holding one.
    /// </summary>
    public string Model { get; init; } = "auto";

    /// <summary>How the mask becomes a matte.</summary>
    public MatteOptions Matte { get; init; } = new();

    /// <summary>The pose models' tracker: crop smoothing (off by default) and the frame rate its filters assume.</summary>
    public Pose.PoseTrackerOptions PoseTracking { get; init; } = new();

    /// <summary>Which subjects to key: points on them and on things to leave out (none: the model's own choice).</summary>
    public Selection.SubjectSelection Selection { get; init; } = new();

    /// <summary>Format (null: from the output's extension), CRF, preset and VP9 deadline of the output.</summary>
    public EncoderSettings Encoder { get; init; } = EncoderSettings.Default;

    /// <summary>Copy the input's audio into the output when the format carries audio.</summary>
    public bool KeepAudio { get; init; } = true;

    /// <summary>Execution provider and threads for the segmentation network.</summary>
    public SessionOptionsSpec Session { get; init; } = new();

    /// <summary>Where models are installed.</summary>
    public ModelStore Store { get; init; } = ModelStore.Default;

    /// <summary>Manifest, invisible watermark and visible label of the output (all on by default but the label).</summary>
    public Provenance.ProvenanceOptions Provenance { get; init; } = new();

    /// <summary>These options for footage at <paramref name="framesPerSecond"/>: the pose tracker's landmark filters sample at that rate (an unknown rate means <see cref="Pose.PoseTrackerOptions.DefaultFrameRate"/>).</summary>
    public KeyingOptions AtFrameRate(double framesPerSecond) => this with { PoseTracking = PoseTracking with { FrameRate = framesPerSecond } };

    /// <summary>Throws when a setting is out of range; a render checks this once, before anything is loaded or decoded.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: a matte or encoder setting is out of range.</exception>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Encoder);
        Matte.Validate();
        Encoder.Validate();
    }

    /// <summary>
    /// The settings that change the frames: model, matte, pose tracking, encoder, audio and the provenance marks in the
    /// pixels. Execution device, threads and the model store are left out: they change where the work runs, not its result.
    /// </summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("model", Model).Add(Matte).Add(PoseTracking).Add(Selection).Add(Encoder)
            .Add("audio", KeepAudio ? "copied" : "dropped")
            .Add("watermark", Provenance.Watermark ? Provenance.WatermarkStrength.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "off")
            .Add("label", string.IsNullOrWhiteSpace(Provenance.Label) ? "none" : Provenance.Label.Trim());
    }
}
