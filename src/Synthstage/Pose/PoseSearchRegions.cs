namespace Synthstage.Pose;

/// <summary>
/// Upright crops in which to look for a body the detector missed (it finds people by their face): one as large as the
/// frame around a point, two with the hips at or below the bottom edge (a torso over a table), and one wider than the
/// frame around its centre; for a whole frame, two wider still, which pose-lite needs on coffee.mp4 frame 0 (pose-full
/// and pose-heavy are surest in the 1.5× crop there).
/// </summary>
public static class PoseSearchRegions
{
    /// <summary>The crops around (<paramref name="x"/>, <paramref name="y"/>) of a <paramref name="width"/>×<paramref name="height"/> frame, in the order to try them.</summary>
    public static PoseRegion[] Around(float x, float y, int width, int height)
    {
        var side = Math.Max(width, height);
        return
        [
            new(x, y, side, 0), new(x, height, 2f * height, 0), new(x, 1.25f * height, 2.5f * height, 0),
            new(width / 2f, height / 2f, 1.5f * side, 0),
        ];
    }

    /// <summary>The crops for a whole <paramref name="width"/>×<paramref name="height"/> frame, in the order to try them.</summary>
    public static PoseRegion[] For(int width, int height)
    {
        float x = width / 2f, side = Math.Max(width, height);
        return [.. Around(x, height / 2f, width, height), new(x, height, 1.5f * side, 0), new(x, height / 2f, 2f * side, 0)];
    }
}
