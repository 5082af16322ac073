namespace Synthstage.Selection;

/// <summary>Grows a mask by a square max filter (separable), so a person's region also covers what their segmentation just misses.</summary>
internal static class MaskMaxFilter
{
    public static void Apply(ReadOnlySpan<float> source, Span<float> destination, Span<float> scratch, int width, int height, int radius)
    {
        for (var y = 0; y < height; y++)
        {
            var row = source.Slice(y * width, width);
            var output = scratch.Slice(y * width, width);
            for (var x = 0; x < width; x++)
            {
                var m = 0f;
                for (int k = Math.Max(0, x - radius), end = Math.Min(width - 1, x + radius); k <= end; k++) m = MathF.Max(m, row[k]);
                output[x] = m;
            }
        }
        for (var x = 0; x < width; x++)
        for (var y = 0; y < height; y++)
        {
            var m = 0f;
            for (int k = Math.Max(0, y - radius), end = Math.Min(height - 1, y + radius); k <= end; k++) m = MathF.Max(m, scratch[k * width + x]);
            destination[y * width + x] = m;
        }
    }
}
