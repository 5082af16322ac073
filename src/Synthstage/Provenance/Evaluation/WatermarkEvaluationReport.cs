namespace Synthstage.Provenance.Evaluation;

/// <summary>Detection rate of marked content after one attack.</summary>
/// <param name="Source">The footage or still set the marked content came from.</param>
/// <param name="Attack">What was done to the marked content (with the ffmpeg arguments for videos).</param>
/// <param name="Units">Segments (videos) or images examined.</param>
/// <param name="Found">Units in which the right payload was found.</param>
/// <param name="WrongPayload">Units that decoded a different payload (should be 0).</param>
/// <param name="MedianSyncScore">Median synchronisation peak, in standard deviations.</param>
public sealed record AttackResult(string Source, string Attack, int Units, int Found, int WrongPayload, double MedianSyncScore)
{
    /// <summary>The lowest synchronisation peak among the units.</summary>
    public double LowestSyncScore { get; init; }

    /// <summary>Found ÷ Units.</summary>
    public double Rate => Units == 0 ? 0 : (double)Found / Units;
}

/// <summary>Detections on content that was never marked.</summary>
/// <param name="Content">What was tested.</param>
/// <param name="Trials">Unit × key pairs tested (each key gives an independent pattern).</param>
/// <param name="FalsePositives">Trials that reported a watermark.</param>
/// <param name="TheoreticalBound">The detector's false-alarm bound per trial.</param>
public sealed record FalsePositiveResult(string Content, int Trials, int FalsePositives, double TheoreticalBound)
{
    /// <summary>FalsePositives ÷ Trials.</summary>
    public double Rate => Trials == 0 ? 0 : (double)FalsePositives / Trials;
}

/// <summary>Luma noise the mark adds on one kind of smooth background (see <see cref="FlatAreaCheck"/>).</summary>
/// <param name="Background">Which background.</param>
/// <param name="Frames">Real frames composed over it and marked.</param>
/// <param name="MeanAddedStd">Mean over frames of the worst patch's added luma standard deviation, in 8-bit levels.</param>
/// <param name="MaxAddedStd">The worst patch of any frame.</param>
public sealed record FlatAreaResult(FlatBackground Background, int Frames, double MeanAddedStd, double MaxAddedStd);

/// <summary>Everything <see cref="WatermarkEvaluation.RunAsync"/> measured.</summary>
/// <param name="VideoPsnrDb">PSNR of marked vs unmarked video frames over all RGB samples (mean squared error of all frames).</param>
/// <param name="MinFramePsnrDb">The worst single frame's PSNR.</param>
/// <param name="StillPsnrDb">PSNR of the marked stills.</param>
/// <param name="EmbedMillisecondsPerFrame">Median time to mark one frame (single thread).</param>
/// <param name="FrameSize">Width × height of the video frames.</param>
/// <param name="Attacks">Detection after each attack.</param>
/// <param name="FalsePositives">Detections on unmarked content.</param>
/// <param name="FlatAreas">Luma noise added on smooth backgrounds.</param>
public sealed record WatermarkEvaluationReport(double VideoPsnrDb, double MinFramePsnrDb, double StillPsnrDb,
    double EmbedMillisecondsPerFrame, string FrameSize, IReadOnlyList<AttackResult> Attacks, IReadOnlyList<FalsePositiveResult> FalsePositives,
    IReadOnlyList<FlatAreaResult> FlatAreas);
