using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Models;
using Synthstage.Onnx;

namespace Synthstage.Video;

/// <summary>Settings shared by every job that keys a subject out of footage.</summary>
public sealed record KeyingOptions
{
    /// <summary>
    /// Segmentation model: auto, general, landscape, or an ONNX file (selfie-style mask model, MODNet, or Robust Video
    /// Matting — GPL-3.0), or a folder, catalog id or Hub name holding one.
    /// </summary>
    public string Model { get; init; } = "auto";

    /// <summary>How the mask becomes a matte.</summary>
    public MatteOptions Matte { get; init; } = new();

    /// <summary>The pose models' tracker: crop smoothing (off by default) and the frame rate its filters assume.</summary>
    public Pose.PoseTrackerOptions PoseTracking { get; init; } = new();

    /// <summary>Container/codec of the output; null picks it from the output's extension.</summary>
    public OutputFormat? Format { get; init; }

    /// <summary>H.264/VP9 constant rate factor (lower is better quality).</summary>
    public int Crf { get; init; } = 18;

    /// <summary>x264 preset.</summary>
    public string Preset { get; init; } = "veryfast";

    /// <summary>Copy the input's audio into the output when the format carries audio.</summary>
    public bool KeepAudio { get; init; } = true;

    /// <summary>Execution provider and threads for the segmentation network.</summary>
    public SessionOptionsSpec Session { get; init; } = new();

    /// <summary>Where models are installed.</summary>
    public ModelStore Store { get; init; } = ModelStore.Default;

    /// <summary>Manifest, invisible watermark and visible label of the output (all on by default but the label).</summary>
    public Provenance.ProvenanceOptions Provenance { get; init; } = new();

    /// <summary>What the job records in the manifest beyond the keying settings (parts, extra inputs); null for a plain matte.</summary>
    public Provenance.ProvenanceRecord? ProvenanceRecord { get; init; }

    /// <summary>
    /// When set (and the output is .mp4, .webm or .mov), the render goes through a resumable output: a killed render continues
    /// where it stopped when the same parameters (these plus the keying settings) are given again. Null for a plain render.
    /// </summary>
    public System.Text.Json.Nodes.JsonObject? ResumeParameters { get; init; }

    /// <summary>Discard an unfinished resumable render with other parameters instead of refusing.</summary>
    public bool Restart { get; init; }

    /// <summary>These options for footage at <paramref name="framesPerSecond"/>: the pose tracker's landmark filters sample at that rate (an unknown rate means <see cref="Pose.PoseTrackerOptions.DefaultFrameRate"/>).</summary>
    public KeyingOptions AtFrameRate(double framesPerSecond) => this with { PoseTracking = PoseTracking with { FrameRate = framesPerSecond } };

    /// <summary>Seconds of video per resumable part: what a crash can cost at most (shorter parts add encoder starts).</summary>
    public double ResumePartSeconds { get; init; } = 10;
}
