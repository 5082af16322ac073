namespace Synthstage.Pose;

/// <summary>
/// One person found by the pose detector, in coordinates normalised to the frame (0..1 across its width and height).
/// </summary>
/// <param name="Score">Detection confidence, 0..1.</param>
/// <param name="XMin">Left edge of the box.</param>
/// <param name="YMin">Top edge of the box.</param>
/// <param name="Width">Box width.</param>
/// <param name="Height">Box height.</param>
/// <param name="HipX">Keypoint 0: the centre between the hips.</param>
/// <param name="HipY">Keypoint 0, y.</param>
/// <param name="ScaleX">Keypoint 1: a point on the circle around the whole body (its distance from the hips sets the size).</param>
/// <param name="ScaleY">Keypoint 1, y.</param>
public readonly record struct PoseDetection(float Score, float XMin, float YMin, float Width, float Height,
    float HipX, float HipY, float ScaleX, float ScaleY)
{
    /// <summary>
    /// The body's size: distance in frame pixels from the hip centre to the scale point (the radius of the circle
    /// around the whole body). The detector's box is a face-sized proxy and hardly varies, so this is what "largest" compares.
    /// </summary>
    public float BodyRadius(int frameWidth, int frameHeight)
    {
        var (dx, dy) = ((ScaleX - HipX) * frameWidth, (ScaleY - HipY) * frameHeight);
        return MathF.Sqrt(dx * dx + dy * dy);
    }
}
