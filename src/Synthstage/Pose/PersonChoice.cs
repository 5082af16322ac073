namespace Synthstage.Pose;

/// <summary>Which detection to follow when the detector finds several people.</summary>
public enum PersonChoice
{
    /// <summary>The detection with the largest box (the person nearest the camera, usually the subject).</summary>
    Largest,

    /// <summary>The detection with the highest score.</summary>
    MostConfident,
}
