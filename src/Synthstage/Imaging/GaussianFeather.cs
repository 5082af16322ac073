using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>
/// Softens a full-resolution float matte with a separable Gaussian and writes it as 8-bit alpha. Both passes are
/// vectorised: the horizontal one as a sum of shifted copies of an edge-padded row, the vertical one as a weighted
/// sum of whole rows. Scratch is allocated once per frame size.
/// </summary>
public sealed class GaussianFeather
{
    private readonly float[] _kernel;
    private readonly float[] _padded;
    private readonly float[] _row;

    /// <summary>Prepares a feather of standard deviation <paramref name="sigma"/> pixels for rows of <paramref name="width"/>.</summary>
    public GaussianFeather(int width, int height, float sigma)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        Width = width;
        Height = height;
        _kernel = Kernel(sigma);
        _padded = new float[width + _kernel.Length];
        _row = new float[width];
    }

    /// <summary>Plane width.</summary>
    public int Width { get; }

    /// <summary>Plane height.</summary>
    public int Height { get; }

    /// <summary>Taps of the kernel (1 when the feather is negligible).</summary>
    public int Taps => _kernel.Length;

    /// <summary>Blurs <paramref name="plane"/> (0..1, modified) and writes it clamped to 0..255 into <paramref name="alpha"/>.</summary>
    public void Apply(Span<float> plane, Span<byte> alpha) => Apply(plane, alpha, default, default);

    /// <summary>
    /// As <see cref="Apply(Span{float}, Span{byte})"/>, told per row where the plane varies: outside
    /// [<paramref name="changingFrom"/>[y], <paramref name="changingTo"/>[y]) each row is locally constant, so the blur
    /// there is the identity and is skipped. Empty spans mean the whole plane may vary.
    /// </summary>
    public void Apply(Span<float> plane, Span<byte> alpha, ReadOnlySpan<int> changingFrom, ReadOnlySpan<int> changingTo)
    {
        int w = Width, h = Height, r = _kernel.Length / 2;
        if (plane.Length < w * h || alpha.Length < w * h) throw new ArgumentException("planes are smaller than the size given at construction");
        if (_kernel.Length == 1)
        {
            ToBytes(plane[..(w * h)], alpha);
            return;
        }
        var everywhere = changingFrom.IsEmpty;
        var padded = _padded.AsSpan();
        for (var y = 0; y < h; y++)
        {
            var (from, to) = everywhere ? (0, w) : (Math.Max(0, changingFrom[y] - r), Math.Min(w, changingTo[y] + r));
            if (to <= from) continue;
            var row = plane.Slice(y * w, w);
            padded[..r].Fill(row[0]);
            row.CopyTo(padded[r..]);
            padded.Slice(r + w, r).Fill(row[w - 1]);
            var n = to - from;
            var part = row.Slice(from, n);
            TensorPrimitives.Multiply(padded.Slice(from, n), _kernel[0], part);
            for (var k = 1; k < _kernel.Length; k++) TensorPrimitives.MultiplyAdd(padded.Slice(from + k, n), _kernel[k], part, part);
        }
        var acc = _row.AsSpan();
        for (var y = 0; y < h; y++)
        {
            // Columns that vary in any row the vertical kernel reaches (after the horizontal pass widened them by r).
            int from = 0, to = w;
            if (!everywhere)
            {
                (from, to) = (w, 0);
                for (var k = Math.Max(0, y - r); k <= Math.Min(h - 1, y + r); k++)
                {
                    if (changingTo[k] <= changingFrom[k]) continue;
                    from = Math.Min(from, changingFrom[k] - r);
                    to = Math.Max(to, changingTo[k] + r);
                }
                (from, to) = (Math.Max(0, from), Math.Min(w, to));
            }
            var source = plane.Slice(y * w, w);
            var destination = alpha.Slice(y * w, w);
            if (to <= from)
            {
                ToBytes(source, destination);
                continue;
            }
            var n = to - from;
            var part = acc.Slice(from, n);
            TensorPrimitives.Multiply(plane.Slice(Math.Clamp(y - r, 0, h - 1) * w + from, n), _kernel[0], part);
            for (var k = 1; k < _kernel.Length; k++)
                TensorPrimitives.MultiplyAdd(plane.Slice(Math.Clamp(y - r + k, 0, h - 1) * w + from, n), _kernel[k], part, part);
            ToBytes(source[..from], destination[..from]);
            ToBytes(part, destination.Slice(from, n));
            ToBytes(source[to..], destination[to..]);
        }
    }

    /// <summary>A normalised Gaussian of standard deviation <paramref name="sigma"/> cut at 2.5σ; a single tap when it is negligible.</summary>
    public static float[] Kernel(float sigma)
    {
        if (sigma < 0.25f) return [1f];
        var radius = (int)Math.Ceiling(2.5f * sigma);
        var kernel = new float[2 * radius + 1];
        var sum = 0f;
        for (var i = -radius; i <= radius; i++) sum += kernel[i + radius] = MathF.Exp(-i * i / (2 * sigma * sigma));
        for (var i = 0; i < kernel.Length; i++) kernel[i] /= sum;
        return kernel;
    }

    /// <summary>Clamps values to 0..1 and writes them as rounded bytes 0..255.</summary>
    public static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        if (destination.Length < values.Length) throw new ArgumentException("destination is shorter than values", nameof(destination));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var n = Vector256<float>.Count;
            for (; i <= values.Length - 4 * n; i += 4 * n)
            {
                var low = Vector256.Narrow(Scale(values, i), Scale(values, i + n));
                var high = Vector256.Narrow(Scale(values, i + 2 * n), Scale(values, i + 3 * n));
                Vector256.Narrow(low, high).CopyTo(destination.Slice(i, 4 * n));
            }
        }
        for (; i < values.Length; i++) destination[i] = (byte)(Math.Clamp(values[i], 0f, 1f) * 255f + 0.5f);
    }

    private static Vector256<uint> Scale(ReadOnlySpan<float> values, int offset)
    {
        var v = Vector256.Create(values.Slice(offset, Vector256<float>.Count));
        v = Vector256.Min(Vector256.Max(v, Vector256<float>.Zero), Vector256<float>.One);
        // Through int: the values are 0.5..255.5, where both conversions agree, and AVX2 has no float → uint
        // instruction (.NET emulates ConvertToUInt32 there at many times the cost of the whole feather).
        return Vector256.ConvertToInt32(v * 255f + Vector256.Create(0.5f)).AsUInt32();
    }
}
