namespace Synthstage.Video;

/// <summary>What a finished render produced.</summary>
/// <param name="OutputPath">The file or folder written.</param>
/// <param name="FramesWritten">Frames encoded.</param>
/// <param name="Elapsed">Wall-clock time of the render.</param>
/// <param name="Warning">A problem that did not stop the render (for example a truncated input), or null.</param>
public sealed record RenderResult(string OutputPath, int FramesWritten, TimeSpan Elapsed, string? Warning)
{
    /// <summary>Busy time of each pipeline thread by name (decode, segment, finish, encode), for diagnosing speed.</summary>
    public IReadOnlyDictionary<string, TimeSpan> StageTimes { get; init; } = new Dictionary<string, TimeSpan>();

    /// <summary>How busy each stage was over the frame loop and the output's completion (the encoder draining, the audio
    /// mux or the join, counted as the encode stage's; model loading and the manifest left out), and the slowest one,
    /// with the encoder named when that is the encode stage; null when the render ran no frame loop.</summary>
    public Pipeline.PipelineLoad? Load { get; init; }

    /// <summary>Frames whose matte was empty (no pixel reached <see cref="EmptyMatte.Level"/>): no person was found in them.</summary>
    public int EmptyMatteFrames { get; init; }

    /// <summary>Frame ranges where the matte collapsed or jumped although the picture did not move (<see cref="MatteJumpWatch"/>).</summary>
    public IReadOnlyList<MatteJump> MatteJumps { get; init; } = [];

    /// <summary>Frames kept from an earlier, interrupted run of a resumable render (0 otherwise).</summary>
    public int FramesResumed { get; init; }
}
