namespace Synthstage.Pose;

/// <summary>
/// One of BlazePose's 33 body landmarks. <see cref="X"/> and <see cref="Y"/> are normalised to the frame (0..1 across
/// its width and height; may fall outside when the joint is out of view), <see cref="Z"/> is depth relative to the
/// hips on roughly the scale of <see cref="X"/> (smaller is nearer the camera).
/// </summary>
/// <param name="X">Horizontal position, 0 = left edge, 1 = right edge.</param>
/// <param name="Y">Vertical position, 0 = top, 1 = bottom.</param>
/// <param name="Z">Depth relative to the hip centre, in units of the frame width.</param>
/// <param name="Visibility">Probability the landmark is visible (not occluded), 0..1.</param>
/// <param name="Presence">Probability the landmark is inside the frame, 0..1.</param>
public readonly record struct PoseLandmark(float X, float Y, float Z, float Visibility, float Presence)
{
    /// <summary>Number of body landmarks.</summary>
    public const int Count = 33;

    /// <summary>MediaPipe's names of the 33 landmarks, by index.</summary>
    public static readonly IReadOnlyList<string> Names =
    [
        "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner", "right_eye", "right_eye_outer",
        "left_ear", "right_ear", "mouth_left", "mouth_right", "left_shoulder", "right_shoulder", "left_elbow",
        "right_elbow", "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index", "right_index",
        "left_thumb", "right_thumb", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
        "left_heel", "right_heel", "left_foot_index", "right_foot_index",
    ];

    /// <summary>The skeleton's bones as pairs of landmark indices (MediaPipe's <c>POSE_CONNECTIONS</c>).</summary>
    public static readonly IReadOnlyList<(int From, int To)> Connections =
    [
        (0, 1), (1, 2), (2, 3), (3, 7), (0, 4), (4, 5), (5, 6), (6, 8), (9, 10), (11, 12), (11, 13), (13, 15),
        (15, 17), (15, 19), (15, 21), (17, 19), (12, 14), (14, 16), (16, 18), (16, 20), (16, 22), (18, 20),
        (11, 23), (12, 24), (23, 24), (23, 25), (24, 26), (25, 27), (26, 28), (27, 29), (28, 30), (29, 31),
        (30, 32), (27, 31), (28, 32),
    ];
}
