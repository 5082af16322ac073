namespace Synthstage.Pose;

/// <summary>
/// A square, rotated region of the frame in pixels (continuous coordinates: pixel i spans i..i+1) that the landmark
/// model sees as its 256×256 input. <see cref="Rotation"/> turns the body upright: the crop's up direction points from
/// the hip centre to the body's scale point.
/// </summary>
/// <param name="CentreX">Centre, x in pixels.</param>
/// <param name="CentreY">Centre, y in pixels.</param>
/// <param name="Size">Side in pixels.</param>
/// <param name="Rotation">Clockwise rotation of the crop in radians (image y points down).</param>
public readonly record struct PoseRegion(float CentreX, float CentreY, float Size, float Rotation)
{
    /// <summary>MediaPipe's enlargement of the alignment circle's box (<c>scale_x/scale_y: 1.25</c>).</summary>
    public const float Scale = 1.25f;

    /// <summary>
    /// The region from two alignment points in pixels, as MediaPipe's <c>AlignmentPointsRectsCalculator</c> and
    /// <c>RectTransformationCalculator</c> (target angle 90°, square long side, scale 1.25) make it: centred on the
    /// hip centre, side 2·1.25 times the distance to the scale point, rotated so that point is straight up.
    /// </summary>
    public static PoseRegion FromAlignmentPoints(float hipX, float hipY, float scaleX, float scaleY)
    {
        var (dx, dy) = (scaleX - hipX, scaleY - hipY);
        var size = 2 * MathF.Sqrt(dx * dx + dy * dy) * Scale;
        var rotation = NormalizeRadians(MathF.PI / 2 - MathF.Atan2(-dy, dx));
        return new PoseRegion(hipX, hipY, size, rotation);
    }

    /// <summary>Maps a point of the crop (0..1 across and down the crop) to frame pixels.</summary>
    public (float X, float Y) ToFrame(float u, float v)
    {
        var (dx, dy) = ((u - 0.5f) * Size, (v - 0.5f) * Size);
        var (cos, sin) = (MathF.Cos(Rotation), MathF.Sin(Rotation));
        return (CentreX + cos * dx - sin * dy, CentreY + sin * dx + cos * dy);
    }

    private static float NormalizeRadians(float angle) => angle - 2 * MathF.PI * MathF.Floor((angle + MathF.PI) / (2 * MathF.PI));
}
