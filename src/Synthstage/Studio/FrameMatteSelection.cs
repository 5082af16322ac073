namespace Synthstage.Studio;

/// <summary>What a <see cref="FrameMatte"/> shows.</summary>
public enum FrameMatteSelection
{
    /// <summary>The model's own matte: no points on the frame.</summary>
    Model,

    /// <summary>The subject the frame's points select, as the render keys it on that frame.</summary>
    Points,

    /// <summary>The model's own matte: the frame's points select nothing (the render would stop; <see cref="FrameMatte.Note"/> says why).</summary>
    Failed,
}
