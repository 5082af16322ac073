namespace Synthstage.Pose;

/// <summary>
/// Maps a 256×256 probability image of a rotated landmark crop back onto a mask that covers the whole frame
/// (pixel-centre aligned, bilinear, zero outside the crop). Shared by the single- and multi-person trackers.
/// </summary>
internal static class CropMaskProjection
{
    /// <summary>Writes the crop's probabilities into <paramref name="mask"/> (maskWidth×maskHeight over the frameWidth×frameHeight frame).</summary>
    public static void Write(ReadOnlySpan<float> probabilities, PoseRegion region, int frameWidth, int frameHeight,
        Span<float> mask, int maskWidth, int maskHeight)
    {
        const int n = PoseLandmarkModel.InputSize;
        var (cos, sin) = (MathF.Cos(region.Rotation), MathF.Sin(region.Rotation));
        var (sx, sy) = ((float)frameWidth / maskWidth, (float)frameHeight / maskHeight);
        var k = n / region.Size;
        // Crop pixel-index coordinates of a frame point p: R(−rotation)·(p − centre)·n/size + n/2 − 0.5, affine in the mask pixel.
        var (uX, vX) = (cos * sx * k, -sin * sx * k);
        for (var my = 0; my < maskHeight; my++)
        {
            var (dx, dy) = (0.5f * sx - region.CentreX, (my + 0.5f) * sy - region.CentreY);
            var u = (cos * dx + sin * dy) * k + n / 2f - 0.5f;
            var v = (-sin * dx + cos * dy) * k + n / 2f - 0.5f;
            var row = mask.Slice(my * maskWidth, maskWidth);
            for (var mx = 0; mx < maskWidth; mx++, u += uX, v += vX)
                row[mx] = SampleZeroOutside(probabilities, n, u, v);
        }
    }

    /// <summary>The crop's probability at frame pixel (x, y) (continuous coordinates), zero outside the crop.</summary>
    public static float At(ReadOnlySpan<float> probabilities, PoseRegion region, float x, float y)
    {
        const int n = PoseLandmarkModel.InputSize;
        var (cos, sin) = (MathF.Cos(region.Rotation), MathF.Sin(region.Rotation));
        var k = n / region.Size;
        var (dx, dy) = (x - region.CentreX, y - region.CentreY);
        return SampleZeroOutside(probabilities, n, (cos * dx + sin * dy) * k + n / 2f - 0.5f, (-sin * dx + cos * dy) * k + n / 2f - 0.5f);
    }

    private static float SampleZeroOutside(ReadOnlySpan<float> image, int n, float u, float v)
    {
        if (u <= -1 || v <= -1 || u >= n || v >= n) return 0;
        var x0 = (int)MathF.Floor(u);
        var y0 = (int)MathF.Floor(v);
        var (wx, wy) = (u - x0, v - y0);
        var a = At(image, n, x0, y0);
        var b = At(image, n, x0 + 1, y0);
        var c = At(image, n, x0, y0 + 1);
        var d = At(image, n, x0 + 1, y0 + 1);
        var top = a + (b - a) * wx;
        var bottom = c + (d - c) * wx;
        return top + (bottom - top) * wy;
    }

    private static float At(ReadOnlySpan<float> image, int n, int x, int y) => (uint)x < (uint)n && (uint)y < (uint)n ? image[y * n + x] : 0f;
}
