using System.Numerics;

namespace Synthstage.Numerics;

/// <summary>
/// An in-place iterative radix-2 complex FFT of one fixed power-of-two size N, in float or double, with the twiddles
/// and the bit-reversal permutation computed once. Forward: X[k] = Σₙ x[n]·e^(−2πi·kn/N); inverse: e^(+2πi·kn/N)
/// without the 1/N factor. <see cref="Transform2D"/> runs it over the rows, then the columns, of an N×N array.
/// </summary>
/// <remarks>
/// <para>The twiddles are computed in double and rounded to <typeparamref name="T"/>, and every butterfly does the
/// same operations in the same order for both element types, so the float transform (audio pacing) and the double
/// transform (the watermark, whose detector thresholds are calibrated on its output) give exactly the numbers of the
/// two separate transforms they replace.</para>
/// <para>Not thread-safe (<see cref="Transform2D"/> keeps one column of scratch); use one instance per thread.</para>
/// </remarks>
/// <typeparam name="T">float or double.</typeparam>
internal sealed class FourierTransform<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly T[] _cos;
    private readonly T[] _sin;
    private readonly int[] _reversed;
    private T[] _columnReal = [];
    private T[] _columnImaginary = [];

    /// <param name="size">Points per transform, a power of two ≥ 2.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not a power of two ≥ 2.</exception>
    public FourierTransform(int size)
    {
        if (size < 2 || (size & (size - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(size), size, "must be a power of two ≥ 2");
        Size = size;
        _cos = new T[size / 2];
        _sin = new T[size / 2];
        for (var k = 0; k < size / 2; k++)
        {
            _cos[k] = T.CreateChecked(Math.Cos(2 * Math.PI * k / size));
            _sin[k] = T.CreateChecked(Math.Sin(2 * Math.PI * k / size));
        }
        _reversed = new int[size];
        var bits = BitOperations.Log2((uint)size);
        for (var i = 0; i < size; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _reversed[i] = r;
        }
    }

    /// <summary>Points per transform (N).</summary>
    public int Size { get; }

    /// <summary>Forward transform of <paramref name="real"/> + i·<paramref name="imaginary"/> (N values each), in place.</summary>
    /// <exception cref="ArgumentException">A span does not hold N values.</exception>
    public void Forward(Span<T> real, Span<T> imaginary) => Transform(real, imaginary, inverse: false);

    /// <summary>Inverse transform (unnormalised: the result is N times the inverse DFT), in place.</summary>
    /// <exception cref="ArgumentException">A span does not hold N values.</exception>
    public void Inverse(Span<T> real, Span<T> imaginary) => Transform(real, imaginary, inverse: true);

    /// <summary>Transforms a row-major N×N array in place: every row, then every column (unnormalised when inverse).</summary>
    /// <exception cref="ArgumentException">A span does not hold N×N values.</exception>
    public void Transform2D(Span<T> real, Span<T> imaginary, bool inverse)
    {
        var n = Size;
        if (real.Length != n * n || imaginary.Length != n * n) throw new ArgumentException($"expected {n}×{n} values");
        for (var y = 0; y < n; y++) Transform(real.Slice(y * n, n), imaginary.Slice(y * n, n), inverse);
        if (_columnReal.Length != n)
        {
            _columnReal = new T[n];
            _columnImaginary = new T[n];
        }
        for (var x = 0; x < n; x++)
        {
            for (var y = 0; y < n; y++)
            {
                _columnReal[y] = real[y * n + x];
                _columnImaginary[y] = imaginary[y * n + x];
            }
            Transform(_columnReal, _columnImaginary, inverse);
            for (var y = 0; y < n; y++)
            {
                real[y * n + x] = _columnReal[y];
                imaginary[y * n + x] = _columnImaginary[y];
            }
        }
    }

    private void Transform(Span<T> real, Span<T> imaginary, bool inverse)
    {
        if (real.Length != Size || imaginary.Length != Size) throw new ArgumentException($"expected {Size} values");
        for (var i = 0; i < Size; i++)
        {
            var j = _reversed[i];
            if (j <= i) continue;
            (real[i], real[j]) = (real[j], real[i]);
            (imaginary[i], imaginary[j]) = (imaginary[j], imaginary[i]);
        }
        // Butterflies: half-size transforms combined with the twiddle e^(∓2πik/length).
        for (var length = 2; length <= Size; length <<= 1)
        {
            var half = length / 2;
            var stride = Size / length;
            for (var start = 0; start < Size; start += length)
            {
                for (var k = 0; k < half; k++)
                {
                    var wr = _cos[k * stride];
                    var wi = inverse ? _sin[k * stride] : -_sin[k * stride];
                    int a = start + k, b = a + half;
                    var tr = real[b] * wr - imaginary[b] * wi;
                    var ti = real[b] * wi + imaginary[b] * wr;
                    real[b] = real[a] - tr;
                    imaginary[b] = imaginary[a] - ti;
                    real[a] += tr;
                    imaginary[a] += ti;
                }
            }
        }
    }
}
