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

    /// <summary>Rows of bytes that <see cref="Add(ReadOnlySpan{byte}, Span{ushort})"/> can sum before a 16-bit sum may overflow.</summary>
    public const int MaxUInt16Rows = ushort.MaxValue / byte.MaxValue;

    /// <summary>
    /// <c>sums[i] += values[i]</c> in 16 bits, for at most <see cref="MaxUInt16Rows"/> rows: the sums stay exact integers,
    /// as float sums would, at a third of the work (one widening, 16 lanes per add, no conversion).
    /// </summary>
    public static void Add(ReadOnlySpan<byte> values, Span<ushort> sums)
    {
        if (sums.Length < values.Length) throw new ArgumentException("sums is shorter than values", nameof(sums));
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var n = Vector256<ushort>.Count;
            for (; i <= values.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var (low, high) = Vector256.Widen(Vector256.Create(values.Slice(i, Vector256<byte>.Count)));
                (Vector256.Create((ReadOnlySpan<ushort>)sums.Slice(i, n)) + low).CopyTo(sums.Slice(i, n));
                (Vector256.Create((ReadOnlySpan<ushort>)sums.Slice(i + n, n)) + high).CopyTo(sums.Slice(i + n, n));
            }
        }
        for (; i < values.Length; i++) sums[i] += values[i];
    }

    private static void Accumulate(Span<float> sums, Vector256<uint> values) =>
        (Vector256.Create((ReadOnlySpan<float>)sums) + Vector256.ConvertToSingle(values)).CopyTo(sums);
}
