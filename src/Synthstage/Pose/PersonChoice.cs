namespace Synthstage.Pose;

/// <summary>Which detection to follow when the detector finds several people.</summary>
public enum PersonChoice
{
    /// <summary>The largest body (the detector's hip-to-scale-point radius): usually the person nearest the camera, the subject.</summary>
    Largest,

    /// <summary>The detection with the highest score.</summary>
    MostConfident,
}
