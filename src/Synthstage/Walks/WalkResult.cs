namespace Synthstage.Walks;

/// <summary>What a walk run wrote.</summary>
/// <param name="OutputPath">The finished video.</param>
/// <param name="Frames">Frames in the video.</param>
/// <param name="FramesRendered">Frames this run rendered.</param>
/// <param name="FramesResumed">Frames an earlier, interrupted run had stored.</param>
/// <param name="Elapsed">Wall time of this run.</param>
public sealed record WalkResult(string OutputPath, int Frames, int FramesRendered, int FramesResumed, TimeSpan Elapsed)
{
    /// <summary>
    /// What the user should know about this run, one sentence each without a "warning:" prefix: every keyframe prompt
    /// or negative prompt cut at the text encoder's 77 tokens, naming the dropped words. Empty when all is well.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
