namespace Synthstage.Scenes;

/// <summary>How the camera moves over the background plate during the clip.</summary>
public enum BackgroundMotion
{
    /// <summary>A still plate.</summary>
    None,

    /// <summary>A slow sideways move, left to right, across a plate wider than the frame.</summary>
    Pan,

    /// <summary>A slow push-in from the whole plate to its centre.</summary>
    Zoom,
}
