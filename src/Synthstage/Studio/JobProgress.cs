namespace Synthstage.Studio;

/// <summary>How far a running job is.</summary>
/// <param name="Stage">What it is doing ("install", "render", …).</param>
/// <param name="Done">Units finished (frames for a render).</param>
/// <param name="Total">Units expected, when known.</param>
/// <param name="FramesPerSecond">Speed of this stage so far, when measurable.</param>
/// <param name="SecondsLeft">Estimated time to the end of this stage, when measurable.</param>
/// <param name="Detail">A note from the engine (file being installed, the slowest stage).</param>
public sealed record JobProgress(string Stage, long Done, long? Total, double? FramesPerSecond, double? SecondsLeft, string? Detail)
{
    /// <summary>Done as a share of the total (0..1), when the total is known.</summary>
    public double? Fraction => Total is > 0 ? Math.Clamp(Done / (double)Total.Value, 0, 1) : null;
}
