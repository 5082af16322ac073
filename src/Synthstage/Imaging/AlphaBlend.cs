using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>Vectorised 8-bit alpha blending of packed rows: <c>out = (fg·a + bg·(255 − a)) / 255</c>, exactly rounded.</summary>
public static class AlphaBlend
{
    /// <summary>
    /// Blends <paramref name="foreground"/> over <paramref name="background"/> into <paramref name="destination"/>,
    /// value by value; <paramref name="alpha"/> holds one weight per value (repeat it per channel for RGB).
    /// <paramref name="destination"/> may be the same memory as either source.
    /// </summary>
    public static void Blend(ReadOnlySpan<byte> foreground, ReadOnlySpan<byte> background, ReadOnlySpan<byte> alpha, Span<byte> destination)
    {
        var n = destination.Length;
        if (foreground.Length < n || background.Length < n || alpha.Length < n)
            throw new ArgumentException("all spans must be at least as long as the destination");
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var full = Vector256.Create((ushort)255);
            var round = Vector256.Create((ushort)128);
            for (; i <= n - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                var f = Vector256.Create(foreground.Slice(i, Vector256<byte>.Count));
                var b = Vector256.Create(background.Slice(i, Vector256<byte>.Count));
                var a = Vector256.Create(alpha.Slice(i, Vector256<byte>.Count));
                var (fl, fh) = Vector256.Widen(f);
                var (bl, bh) = Vector256.Widen(b);
                var (al, ah) = Vector256.Widen(a);
                var lo = fl * al + bl * (full - al) + round;
                var hi = fh * ah + bh * (full - ah) + round;
                // (t + (t >> 8)) >> 8 divides by 255 with rounding for t ≤ 65535.
                lo = (lo + Vector256.ShiftRightLogical(lo, 8)) >>> 8;
                hi = (hi + Vector256.ShiftRightLogical(hi, 8)) >>> 8;
                Vector256.Narrow(lo, hi).CopyTo(destination.Slice(i, Vector256<byte>.Count));
            }
        }
        for (; i < n; i++)
        {
            var t = foreground[i] * alpha[i] + background[i] * (255 - alpha[i]) + 128;
            destination[i] = (byte)((t + (t >> 8)) >> 8);
        }
    }
}
