using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
        for (; i < n; i++) destination[i] = Mix(foreground[i], background[i], alpha[i]);
    }

    /// <summary>
    /// Blends packed RGB24 <paramref name="foreground"/> over <paramref name="background"/> with one alpha per pixel
    /// (<paramref name="alpha"/> has a third of the bytes), expanding alpha to the three channels in registers.
    /// </summary>
    public static void BlendRgb(ReadOnlySpan<byte> foreground, ReadOnlySpan<byte> background, ReadOnlySpan<byte> alpha, Span<byte> destination)
    {
        var pixels = alpha.Length;
        var n = pixels * 3;
        if (foreground.Length < n || background.Length < n || destination.Length < n)
            throw new ArgumentException("colour spans must hold three bytes per alpha value");
        var p = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            // Byte i of the expanded alpha for 16 pixels is alpha[i / 3]; three shuffles cover the 48 bytes.
            var spread0 = Vector128.Create((byte)0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5);
            var spread1 = Vector128.Create((byte)5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10);
            var spread2 = Vector128.Create((byte)10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15);
            var opaque = Vector128<byte>.AllBitsSet;
            for (; p <= pixels - 16; p += 16)
            {
                var a = Vector128.Create(alpha.Slice(p, 16));
                var i = p * 3;
                // Most of a keyed frame is all subject or all background: there the blend is a copy (or nothing,
                // in place), exactly what the formula gives for alpha 255 and 0.
                if (a == opaque)
                {
                    if (!Unsafe.AreSame(ref MemoryMarshal.GetReference(foreground), ref MemoryMarshal.GetReference(destination)))
                        foreground.Slice(i, 48).CopyTo(destination.Slice(i, 48));
                    continue;
                }
                if (a == Vector128<byte>.Zero)
                {
                    background.Slice(i, 48).CopyTo(destination.Slice(i, 48));
                    continue;
                }
                Blend16(foreground, background, Vector128.Shuffle(a, spread0), destination, i);
                Blend16(foreground, background, Vector128.Shuffle(a, spread1), destination, i + 16);
                Blend16(foreground, background, Vector128.Shuffle(a, spread2), destination, i + 32);
            }
        }
        for (; p < pixels; p++)
        {
            for (var i = p * 3; i < p * 3 + 3; i++) destination[i] = Mix(foreground[i], background[i], alpha[p]);
        }
    }

    private static void Blend16(ReadOnlySpan<byte> foreground, ReadOnlySpan<byte> background, Vector128<byte> a, Span<byte> destination, int offset)
    {
        var full = Vector128.Create((ushort)255);
        var round = Vector128.Create((ushort)128);
        var (fl, fh) = Vector128.Widen(Vector128.Create(foreground.Slice(offset, 16)));
        var (bl, bh) = Vector128.Widen(Vector128.Create(background.Slice(offset, 16)));
        var (al, ah) = Vector128.Widen(a);
        var lo = fl * al + bl * (full - al) + round;
        var hi = fh * ah + bh * (full - ah) + round;
        lo = (lo + Vector128.ShiftRightLogical(lo, 8)) >>> 8;
        hi = (hi + Vector128.ShiftRightLogical(hi, 8)) >>> 8;
        Vector128.Narrow(lo, hi).CopyTo(destination.Slice(offset, 16));
    }

    // (t + (t >> 8)) >> 8 divides by 255 with rounding for t ≤ 65535; the vector paths use the same formula.
    private static byte Mix(byte foreground, byte background, byte alpha)
    {
        var t = foreground * alpha + background * (255 - alpha) + 128;
        return (byte)((t + (t >> 8)) >> 8);
    }
}
