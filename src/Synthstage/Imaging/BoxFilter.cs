using System.Numerics.Tensors;

namespace Synthstage.Imaging;

/// <summary>
/// Mean over a (2r+1)×(2r+1) window of a float plane: vertically by running sums over whole rows, horizontally by
/// shifted sums for small windows and running sums for large ones.
/// Windows are cut at the plane's borders and divided by the number of pixels they actually cover, as in He et
/// al.'s guided filter. Scratch is allocated once; filtering allocates nothing.
/// </summary>
public sealed class BoxFilter
{
    private readonly float[] _rows;
    private readonly float[] _column;
    private readonly float[] _padded;

    // Up to this radius the horizontal sums add 2r + 1 shifted rows; beyond it a running sum is cheaper.
    private const int DirectRadius = 8;
    private readonly float[] _inverseCountX;
    private readonly float[] _inverseCountY;

    /// <summary>Prepares a filter for width×height planes and window radius <paramref name="radius"/>.</summary>
    public BoxFilter(int width, int height, int radius)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(radius);
        Width = width;
        Height = height;
        Radius = radius;
        _rows = new float[width * height];
        _column = new float[width];
        _padded = radius <= DirectRadius ? new float[width + 2 * radius] : [];
        _inverseCountX = CountInverses(width, radius);
        _inverseCountY = CountInverses(height, radius);
    }

    /// <summary>Plane width.</summary>
    public int Width { get; }

    /// <summary>Plane height.</summary>
    public int Height { get; }

    /// <summary>Window radius in pixels.</summary>
    public int Radius { get; }

    /// <summary>Writes the windowed mean of <paramref name="source"/> into <paramref name="destination"/> (may not alias).</summary>
    public void Apply(ReadOnlySpan<float> source, Span<float> destination)
    {
        int w = Width, h = Height, r = Radius;
        var n = w * h;
        if (source.Length < n || destination.Length < n) throw new ArgumentException("planes are smaller than the size given at construction");
        var rows = _rows.AsSpan(0, n);
        // Horizontal window sums, one row at a time. A running sum is one long chain of dependent additions (its
        // latency, not the adder's throughput, sets the pace); small windows instead add shifted copies of a
        // zero-padded row, which vectorises and cuts each window at the border by construction.
        if (r <= DirectRadius)
        {
            var padded = _padded.AsSpan(0, w + 2 * r);
            for (var y = 0; y < h; y++)
            {
                source.Slice(y * w, w).CopyTo(padded[r..]);
                var dst = rows.Slice(y * w, w);
                padded[..w].CopyTo(dst);
                for (var k = 1; k <= 2 * r; k++) TensorPrimitives.Add(dst, padded.Slice(k, w), dst);
            }
        }
        else
        {
            for (var y = 0; y < h; y++)
            {
                var src = source.Slice(y * w, w);
                var dst = rows.Slice(y * w, w);
                var sum = 0f;
                for (var x = 0; x < Math.Min(r, w); x++) sum += src[x];
                for (var x = 0; x < w; x++)
                {
                    if (x + r < w) sum += src[x + r];
                    dst[x] = sum;
                    if (x - r >= 0) sum -= src[x - r];
                }
            }
        }
        // Vertical window sums over whole rows (vectorised), then normalised by the window's pixel count.
        var acc = _column.AsSpan(0, w);
        acc.Clear();
        for (var y = 0; y < Math.Min(r, h); y++) TensorPrimitives.Add(acc, rows.Slice(y * w, w), acc);
        for (var y = 0; y < h; y++)
        {
            if (y + r < h) TensorPrimitives.Add(acc, rows.Slice((y + r) * w, w), acc);
            var dst = destination.Slice(y * w, w);
            TensorPrimitives.Multiply(acc, _inverseCountX, dst);
            TensorPrimitives.Multiply(dst, _inverseCountY[y], dst);
            if (y - r >= 0) TensorPrimitives.Subtract(acc, rows.Slice((y - r) * w, w), acc);
        }
    }

    private static float[] CountInverses(int length, int radius)
    {
        var result = new float[length];
        for (var i = 0; i < length; i++) result[i] = 1f / (Math.Min(length - 1, i + radius) - Math.Max(0, i - radius) + 1);
        return result;
    }
}
