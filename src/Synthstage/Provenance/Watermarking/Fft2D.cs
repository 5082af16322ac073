namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// In-place complex FFT of a square N×N array (N a power of two), rows then columns, iterative radix-2.
/// Forward uses e^(−2πi·k·x/N); the inverse uses e^(+2πi·k·x/N) without the 1/N² factor.
/// </summary>
internal sealed class Fft2D
{
    private readonly int _n;
    private readonly int _log2;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _reverse;
    private readonly double[] _columnRe;
    private readonly double[] _columnIm;

    public Fft2D(int n)
    {
        if (n < 2 || (n & (n - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(n), n, "FFT size must be a power of two");
        _n = n;
        _log2 = System.Numerics.BitOperations.Log2((uint)n);
        _cos = new double[n / 2];
        _sin = new double[n / 2];
        for (var i = 0; i < n / 2; i++)
        {
            _cos[i] = Math.Cos(2 * Math.PI * i / n);
            _sin[i] = Math.Sin(2 * Math.PI * i / n);
        }
        _reverse = new int[n];
        for (var i = 0; i < n; i++) _reverse[i] = (int)(ReverseBits((uint)i) >> (32 - _log2));
        _columnRe = new double[n];
        _columnIm = new double[n];
    }

    public int Size => _n;

    /// <summary>Transforms <paramref name="re"/>/<paramref name="im"/> (row-major N×N) in place.</summary>
    public void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        var n = _n;
        for (var y = 0; y < n; y++) Transform1D(re.Slice(y * n, n), im.Slice(y * n, n), inverse);
        for (var x = 0; x < n; x++)
        {
            for (var y = 0; y < n; y++)
            {
                _columnRe[y] = re[y * n + x];
                _columnIm[y] = im[y * n + x];
            }
            Transform1D(_columnRe, _columnIm, inverse);
            for (var y = 0; y < n; y++)
            {
                re[y * n + x] = _columnRe[y];
                im[y * n + x] = _columnIm[y];
            }
        }
    }

    private void Transform1D(Span<double> re, Span<double> im, bool inverse)
    {
        var n = _n;
        for (var i = 0; i < n; i++)
        {
            var j = _reverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        var sign = inverse ? 1.0 : -1.0;
        for (var size = 2; size <= n; size <<= 1)
        {
            var half = size >> 1;
            var step = n / size;
            for (var start = 0; start < n; start += size)
            {
                for (var k = 0; k < half; k++)
                {
                    var wr = _cos[k * step];
                    var wi = sign * _sin[k * step];
                    var a = start + k;
                    var b = a + half;
                    var tr = re[b] * wr - im[b] * wi;
                    var ti = re[b] * wi + im[b] * wr;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
        }
    }

    private static uint ReverseBits(uint v)
    {
        v = ((v >> 1) & 0x55555555u) | ((v & 0x55555555u) << 1);
        v = ((v >> 2) & 0x33333333u) | ((v & 0x33333333u) << 2);
        v = ((v >> 4) & 0x0F0F0F0Fu) | ((v & 0x0F0F0F0Fu) << 4);
        v = ((v >> 8) & 0x00FF00FFu) | ((v & 0x00FF00FFu) << 8);
        return (v >> 16) | (v << 16);
    }
}
