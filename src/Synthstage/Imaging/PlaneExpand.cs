using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>Expands a one-byte-per-pixel plane to packed grey RGB24.</summary>
public static class PlaneExpand
{
    /// <summary>Writes each value of <paramref name="plane"/> three times into <paramref name="rgb"/>.</summary>
    public static void ToGreyRgb(ReadOnlySpan<byte> plane, Span<byte> rgb)
    {
        if (rgb.Length < plane.Length * 3) throw new ArgumentException("rgb must hold three bytes per value", nameof(rgb));
        var p = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var spread0 = Vector128.Create((byte)0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5);
            var spread1 = Vector128.Create((byte)5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8, 9, 9, 9, 10, 10);
            var spread2 = Vector128.Create((byte)10, 11, 11, 11, 12, 12, 12, 13, 13, 13, 14, 14, 14, 15, 15, 15);
            for (; p <= plane.Length - 16; p += 16)
            {
                var v = Vector128.Create(plane.Slice(p, 16));
                Vector128.Shuffle(v, spread0).CopyTo(rgb.Slice(3 * p, 16));
                Vector128.Shuffle(v, spread1).CopyTo(rgb.Slice(3 * p + 16, 16));
                Vector128.Shuffle(v, spread2).CopyTo(rgb.Slice(3 * p + 32, 16));
            }
        }
        for (; p < plane.Length; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = plane[p];
    }
}
