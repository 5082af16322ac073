using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>Vectorised accumulation of 8-bit rows into float sums (area averaging, box filters).</summary>
public static class RowAccumulate
{
    /// <summary><c>sums[i] += values[i]</c> for every byte of <paramref name="values"/>.</summary>
    public static void Add(ReadOnlySpan<byte> values, Span<float> sums)
    {
        if (sums.Length < values.Length) throw new ArgumentException("sums is shorter than values", nameof(sums));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<byte>.Count)));
                var (a, b) = Vector256.Widen(low);
                var (c, d) = Vector256.Widen(high);
                var n = Vector256<float>.Count;
                Accumulate(sums.Slice(i, n), a);
                Accumulate(sums.Slice(i + n, n), b);
                Accumulate(sums.Slice(i + 2 * n, n), c);
                Accumulate(sums.Slice(i + 3 * n, n), d);
            }
        }
        for (; i < values.Length; i++) sums[i] += values[i];
    }

    private static void Accumulate(Span<float> sums, Vector256<uint> values) =>
        (Vector256.Create((ReadOnlySpan<float>)sums) + Vector256.ConvertToSingle(values)).CopyTo(sums);
}
