namespace Synthstage.Selection;

/// <summary>
/// 1 within <c>radius</c> pixels (a square) of a pixel that is 1, else 0, in two passes of a sliding window count:
/// the subject's soft edge, at a cost independent of the radius.
/// </summary>
internal static class BinaryDilation
{
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, Span<float> scratch, int width, int height, int radius)
    {
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * width, width);
            var output = scratch.Slice(y * width, width);
            var count = 0f;
            for (var x = 0; x < Math.Min(radius, width); x++) count += row[x];
            for (var x = 0; x < width; x++)
            {
                if (x + radius < width) count += row[x + radius];
                if (x - radius - 1 >= 0) count -= row[x - radius - 1];
                output[x] = count > 0.5f ? 1 : 0;
            }
        }
        for (var x = 0; x < width; x++)
        {
            var count = 0f;
            for (var y = 0; y < Math.Min(radius, height); y++) count += scratch[y * width + x];
            for (var y = 0; y < height; y++)
            {
                if (y + radius < height) count += scratch[(y + radius) * width + x];
                if (y - radius - 1 >= 0) count -= scratch[(y - radius - 1) * width + x];
                destination[y * width + x] = count > 0.5f ? 1 : 0;
            }
        }
    }
}
