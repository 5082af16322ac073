namespace Synthstage;

/// <summary>Progress of a long operation.</summary>
/// <param name="Stage">What is happening ("install", "render", "download").</param>
/// <param name="Done">Units finished (frames, bytes).</param>
/// <param name="Total">Units expected, when known.</param>
/// <param name="Detail">A short human-readable note (file name, warning).</param>
public sealed record PipelineProgress(string Stage, long Done, long? Total, string? Detail = null)
{
    /// <summary>The stage that bounds the speed so far, for work that runs on a frame pipeline; null when not known (yet).</summary>
    public Pipeline.StageLoad? Bottleneck { get; init; }
}
