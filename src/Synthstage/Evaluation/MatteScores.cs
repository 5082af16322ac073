namespace Synthstage.Evaluation;

/// <summary>Mean scores of a matte evaluation (see <see cref="MatteMetrics"/> for the definitions).</summary>
/// <param name="Frames">Frames or images scored.</param>
/// <param name="MeanIou">Mean IoU at 0.5; null without ground truth.</param>
/// <param name="MeanSoftIou">Mean soft IoU; null without ground truth.</param>
/// <param name="MeanBoundaryF">Mean boundary F-measure; null without ground truth.</param>
/// <param name="BoundaryTolerance">Boundary tolerance used, pixels.</param>
/// <param name="Mad">Mean absolute difference (0..1) over video frames; null for images or without ground truth.</param>
/// <param name="DtSsd">Mean dtSSD (0..1 units) over consecutive video frames; null for images or without ground truth.</param>
/// <param name="Flicker">Mean frame-to-frame change away from the edges (0..1); null for images.</param>
/// <param name="FlickerBand">Band around the edges excluded from <paramref name="Flicker"/>, pixels.</param>
/// <param name="MillisecondsPerFrame">Mean time of segmentation, smoothing, shaping and enlargement per frame (decoding excluded).</param>
public sealed record MatteScores(int Frames, double? MeanIou, double? MeanSoftIou, double? MeanBoundaryF, float BoundaryTolerance,
    double? Mad, double? DtSsd, double? Flicker, float FlickerBand, double MillisecondsPerFrame)
{
    /// <summary>
    /// Mean frame-to-frame change away from the edges where the picture itself is still (see
    /// <see cref="MatteMetrics.StillFlicker"/>); null for images.
    /// </summary>
    public double? StillFlicker { get; init; }

    /// <summary>
    /// Mean frame-to-frame change away from the moving edges, sweep-free: besides the band, the pixels an outline swept
    /// over moving picture are left out (see <see cref="MatteMetrics.Flickers"/>); null for images.
    /// </summary>
    public double? SweepFreeFlicker { get; init; }

    /// <summary>Largest change of a cell's mean luma (levels of 255) that counts as a still picture for <see cref="StillFlicker"/>.</summary>
    public float StillPictureChange { get; init; }

    /// <summary>Frames per second of the matte computation alone.</summary>
    public double FramesPerSecond => MillisecondsPerFrame > 0 ? 1000 / MillisecondsPerFrame : 0;
}
