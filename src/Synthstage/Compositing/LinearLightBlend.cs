using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>
/// Alpha blending of packed RGB24 rows in linear light: <c>out = srgb(lin(fg)·a + lin(bg)·(1 − a))</c>. Pixels with
/// alpha 0 or 255 come out of the vectorised 8-bit blend unchanged (they are exactly bg or fg either way); only the
/// fractional edge pixels, a few percent of a frame, take the table-driven linear path.
/// </summary>
public sealed class LinearLightBlend
{
    private readonly int _width;
    private readonly byte[] _foregroundRow;

    /// <summary>Prepares a row scratch buffer for frames <paramref name="width"/> pixels wide.</summary>
    public LinearLightBlend(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _width = width;
        _foregroundRow = new byte[width * 3];
    }

    /// <summary>Blends <paramref name="foreground"/> over <paramref name="background"/> into <paramref name="destination"/>, which may alias the foreground.</summary>
    /// <param name="foreground">RGB24 frame.</param>
    /// <param name="background">RGB24 plate of the same size.</param>
    /// <param name="alpha">One weight per pixel, 0..255.</param>
    /// <param name="destination">RGB24 output.</param>
    public void BlendRgb(ReadOnlySpan<byte> foreground, ReadOnlySpan<byte> background, ReadOnlySpan<byte> alpha, Span<byte> destination)
    {
        var rows = alpha.Length / _width;
        var rowBytes = _width * 3;
        var lin = SrgbLinearTables.ToLinear;
        var enc = SrgbLinearTables.ToSrgb;
        for (var y = 0; y < rows; y++)
        {
            var a = alpha.Slice(y * _width, _width);
            var fg = foreground.Slice(y * rowBytes, rowBytes);
            var bg = background.Slice(y * rowBytes, rowBytes);
            var dst = destination.Slice(y * rowBytes, rowBytes);
            var first = a.IndexOfAnyExcept((byte)0, (byte)255);
            if (first < 0)
            {
                AlphaBlend.BlendRgb(fg, bg, a, dst);
                continue;
            }
            // The destination may be the foreground itself: keep the row's foreground for the edge pixels.
            fg.CopyTo(_foregroundRow);
            AlphaBlend.BlendRgb(fg, bg, a, dst);
            for (var x = first; x < _width; x++)
            {
                var w = a[x];
                if (w is 0 or 255) continue;
                var t = w / 255f;
                var i = x * 3;
                for (var c = i; c < i + 3; c++)
                {
                    var b = lin[bg[c]];
                    var v = b + (lin[_foregroundRow[c]] - b) * t;
                    dst[c] = enc[(int)(v * SrgbLinearTables.EncodeScale + 0.5f)];
                }
            }
        }
    }
}
