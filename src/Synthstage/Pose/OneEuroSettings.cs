namespace Synthstage.Pose;

/// <summary>Parameters of a <see cref="OneEuroFilter"/>.</summary>
/// <param name="MinCutoff">Cutoff frequency in Hz when the value stands still: lower removes more jitter.</param>
/// <param name="Beta">How fast the cutoff rises with speed (in value-scale units per second): higher cuts lag.</param>
/// <param name="DerivateCutoff">Cutoff frequency in Hz of the low-pass on the speed estimate.</param>
public readonly record struct OneEuroSettings(double MinCutoff, double Beta, double DerivateCutoff)
{
    /// <summary>MediaPipe's settings for the auxiliary (ROI) landmarks of the pose solution.</summary>
    public static OneEuroSettings AuxiliaryLandmarks => new(0.01, 10.0, 1.0);

    /// <summary>MediaPipe's settings for the 33 pose landmarks of the pose solution.</summary>
    public static OneEuroSettings PoseLandmarks => new(0.05, 80.0, 1.0);
}
