using System.Buffers;
using System.Numerics.Tensors;

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
        // Down the columns a row at a time (every column's window count at once), so the pass reads memory in order.
        // The counts are sums of 0s and 1s, exact in floats: min(count, 1) is the dilated row.
        var rented = width > 1024 ? ArrayPool<float>.Shared.Rent(width) : null;
        var counts = rented is null ? stackalloc float[width] : rented.AsSpan(0, width);
        counts.Clear();
        for (var y = 0; y < Math.Min(radius, height); y++) TensorPrimitives.Add(counts, scratch.Slice(y * width, width), counts);
        for (var y = 0; y < height; y++)
        {
            if (y + radius < height) TensorPrimitives.Add(counts, scratch.Slice((y + radius) * width, width), counts);
            if (y - radius - 1 >= 0) TensorPrimitives.Subtract(counts, scratch.Slice((y - radius - 1) * width, width), counts);
            TensorPrimitives.Min(counts, 1f, destination.Slice(y * width, width));
        }
        if (rented is not null) ArrayPool<float>.Shared.Return(rented);
    }
}
