using Synthstage.Video;

namespace Synthstage.Evaluation;

/// <summary>Settings of a matte evaluation.</summary>
public sealed record MatteEvaluationOptions
{
    /// <summary>Model and matte settings under test (encoder settings are ignored).</summary>
    public KeyingOptions Keying { get; init; } = new();

    /// <summary>Boundary F tolerance in pixels; null uses DAVIS's 0.008 of the image diagonal (12 px at 1280×720).</summary>
    public float? BoundaryTolerance { get; init; }

    /// <summary>Pixels within this distance of either frame's matte boundary are left out of the flicker score.</summary>
    public float FlickerBand { get; init; } = 16;
}
