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

    /// <summary>
    /// For the still-picture flicker: a pixel counts when the mean luma of its <see cref="StillCellSize"/>-pixel cell
    /// changed by at most this many levels (of 255) since the previous frame.
    /// </summary>
    public float StillPictureChange { get; init; } = 2;

    /// <summary>Side of the cells whose mean luma decides whether the picture moved, pixels.</summary>
    public int StillCellSize { get; init; } = 8;
}
