namespace Synthstage.Pose;

/// <summary>
/// Fills a model input (float NHWC RGB) by sampling an 8-bit frame bilinearly along an affine map: output pixel
/// (j, i) reads the frame at pixel-index coordinates <c>origin + j·stepX + i·stepY</c> (pixel centres are integers).
/// Used for the detector's letterbox and the landmark model's rotated crop; allocation-free.
/// </summary>
internal static class AffineFrameSampler
{
    /// <summary>
    /// Samples the frame (packed 8-bit rows of <paramref name="channels"/> bytes per pixel) into
    /// <paramref name="destination"/>: outHeight·outWidth·3 values, each byte value·<paramref name="scale"/> + <paramref name="offset"/>.
    /// <paramref name="outsideFill"/> is the value for points outside the frame; null replicates the border pixels instead.
    /// </summary>
    public static void Sample(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> destination, int outWidth, int outHeight,
        (float X, float Y) origin, (float X, float Y) stepX, (float X, float Y) stepY, float scale, float offset, float? outsideFill)
    {
        var stride = width * channels;
        var d = 0;
        for (var i = 0; i < outHeight; i++)
        {
            var fx = origin.X + i * stepY.X;
            var fy = origin.Y + i * stepY.Y;
            for (var j = 0; j < outWidth; j++, fx += stepX.X, fy += stepX.Y, d += 3)
            {
                if (outsideFill is { } fill && (fx < -0.5f || fy < -0.5f || fx > width - 0.5f || fy > height - 0.5f))
                {
                    destination[d] = destination[d + 1] = destination[d + 2] = fill;
                    continue;
                }
                var x = Math.Clamp(fx, 0, width - 1);
                var y = Math.Clamp(fy, 0, height - 1);
                var x0 = (int)x;
                var y0 = (int)y;
                var x1 = Math.Min(x0 + 1, width - 1);
                var y1 = Math.Min(y0 + 1, height - 1);
                var (wx, wy) = (x - x0, y - y0);
                var r0 = y0 * stride;
                var r1 = y1 * stride;
                var (a, b, c, e) = (r0 + x0 * channels, r0 + x1 * channels, r1 + x0 * channels, r1 + x1 * channels);
                for (var k = 0; k < 3; k++)
                {
                    var top = frame[a + k] + (frame[b + k] - frame[a + k]) * wx;
                    var bottom = frame[c + k] + (frame[e + k] - frame[c + k]) * wx;
                    destination[d + k] = (top + (bottom - top) * wy) * scale + offset;
                }
            }
        }
    }
}
