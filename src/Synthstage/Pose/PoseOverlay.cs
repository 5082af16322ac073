namespace Synthstage.Pose;

/// <summary>Draws a pose skeleton (bones and joints) into packed 8-bit RGB frames, in place; allocation-free.</summary>
public static class PoseOverlay
{
    /// <summary>Landmarks less visible than this are not drawn.</summary>
    public const float MinVisibility = 0.5f;

    private static readonly byte[] BoneColour = [255, 255, 255];
    private static readonly byte[] LeftColour = [255, 138, 0];
    private static readonly byte[] RightColour = [0, 217, 231];

    /// <summary>Draws <paramref name="landmarks"/> (normalised to the frame) onto <paramref name="rgb"/>.</summary>
    /// <param name="rgb">Packed RGB rows, width·3 bytes each.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="landmarks">The 33 landmarks of one person.</param>
    public static void Draw(Span<byte> rgb, int width, int height, ReadOnlySpan<PoseLandmark> landmarks)
    {
        var thickness = Math.Max(1f, Math.Min(width, height) / 240f);
        foreach (var (from, to) in PoseLandmark.Connections)
        {
            var (a, b) = (landmarks[from], landmarks[to]);
            if (a.Visibility < MinVisibility || b.Visibility < MinVisibility) continue;
            Line(rgb, width, height, a.X * width, a.Y * height, b.X * width, b.Y * height, thickness, BoneColour);
        }
        for (var i = 0; i < landmarks.Length; i++)
        {
            var p = landmarks[i];
            if (p.Visibility < MinVisibility) continue;
            // Odd indices past the face are the left side in MediaPipe's numbering.
            var colour = i == 0 ? BoneColour : i % 2 == 1 ? LeftColour : RightColour;
            Disc(rgb, width, height, p.X * width, p.Y * height, thickness * 2.2f, colour);
        }
    }

    private static void Line(Span<byte> rgb, int width, int height, float x0, float y0, float x1, float y1, float thickness, byte[] colour)
    {
        var length = MathF.Sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
        var steps = Math.Max(1, (int)MathF.Ceiling(length / Math.Max(1, thickness * 0.5f)));
        for (var s = 0; s <= steps; s++)
        {
            var t = (float)s / steps;
            Disc(rgb, width, height, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, thickness, colour);
        }
    }

    private static void Disc(Span<byte> rgb, int width, int height, float cx, float cy, float radius, byte[] colour)
    {
        var r2 = radius * radius;
        var (yStart, yEnd) = (Math.Max(0, (int)MathF.Floor(cy - radius)), Math.Min(height - 1, (int)MathF.Ceiling(cy + radius)));
        var (xStart, xEnd) = (Math.Max(0, (int)MathF.Floor(cx - radius)), Math.Min(width - 1, (int)MathF.Ceiling(cx + radius)));
        for (var y = yStart; y <= yEnd; y++)
        for (var x = xStart; x <= xEnd; x++)
        {
            var (dx, dy) = (x + 0.5f - cx, y + 0.5f - cy);
            if (dx * dx + dy * dy > r2) continue;
            var p = (y * width + x) * 3;
            rgb[p] = colour[0];
            rgb[p + 1] = colour[1];
            rgb[p + 2] = colour[2];
        }
    }
}
