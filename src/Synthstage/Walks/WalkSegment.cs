namespace Synthstage.Walks;

/// <summary>Settings of one segment (from keyframe i to keyframe i + 1) that override the walk's defaults; null keeps the default.</summary>
public sealed record WalkSegment
{
    /// <summary>Frames from keyframe i (included) up to keyframe i + 1 (excluded), ≥ 1.</summary>
    public int? Frames { get; init; }

    /// <summary>Denoising steps of this segment's frames.</summary>
    public int? Steps { get; init; }

    /// <summary>Guidance scale of this segment's frames.</summary>
    public float? GuidanceScale { get; init; }
}
