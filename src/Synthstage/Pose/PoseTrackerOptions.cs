namespace Synthstage.Pose;

/// <summary>Settings of a <see cref="PoseTracker"/>.</summary>
public sealed record PoseTrackerOptions
{
    /// <summary>Samples per second assumed when the frame rate is unknown.</summary>
    public const double DefaultFrameRate = 30;

    /// <summary>
    /// Smooth the landmarks over time with MediaPipe's One Euro filters: the two alignment landmarks that place the
    /// next frame's crop (<see cref="OneEuroSettings.AuxiliaryLandmarks"/>), which steadies the crop and so the
    /// segmentation, and the 33 reported landmarks (<see cref="OneEuroSettings.PoseLandmarks"/>, visibility low-passed).
    /// </summary>
    public bool LandmarkSmoothing { get; init; } = true;

    /// <summary>Frames per second of the footage (the filters' sampling frequency); 0 or less means unknown (<see cref="DefaultFrameRate"/>).</summary>
    public double FrameRate { get; init; } = DefaultFrameRate;

    /// <summary>The sampling frequency the filters use.</summary>
    public double Frequency => double.IsFinite(FrameRate) && FrameRate > 0 ? FrameRate : DefaultFrameRate;
}
