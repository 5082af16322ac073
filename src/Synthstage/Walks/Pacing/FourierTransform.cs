namespace Synthstage.Walks.Pacing;

/// <summary>
/// An in-place radix-2 complex FFT of one fixed power-of-two size, with twiddles and the bit-reversal permutation
/// computed once: X[k] = Σₙ x[n]·e^(−2πi·kn/N), unnormalised.
/// </summary>
internal sealed class FourierTransform
{
    private readonly float[] _cos;
    private readonly float[] _sin;
    private readonly int[] _reversed;

    public FourierTransform(int size)
    {
        if (size < 2 || (size & (size - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(size), size, "must be a power of two ≥ 2");
        Size = size;
        _cos = new float[size / 2];
        _sin = new float[size / 2];
        for (var k = 0; k < size / 2; k++)
        {
            _cos[k] = (float)Math.Cos(2 * Math.PI * k / size);
            _sin[k] = (float)-Math.Sin(2 * Math.PI * k / size);
        }
        _reversed = new int[size];
        var bits = System.Numerics.BitOperations.Log2((uint)size);
        for (var i = 0; i < size; i++)
        {
            var r = 0;
            for (var b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _reversed[i] = r;
        }
    }

    /// <summary>Points per transform.</summary>
    public int Size { get; }

    /// <summary>Transforms <paramref name="real"/> + i·<paramref name="imaginary"/> in place.</summary>
    public void Forward(Span<float> real, Span<float> imaginary)
    {
        if (real.Length != Size || imaginary.Length != Size) throw new ArgumentException($"expected {Size} values");
        for (var i = 0; i < Size; i++)
        {
            var j = _reversed[i];
            if (j <= i) continue;
            (real[i], real[j]) = (real[j], real[i]);
            (imaginary[i], imaginary[j]) = (imaginary[j], imaginary[i]);
        }
        // Butterflies: half-size transforms combined with twiddle e^(−2πik/len).
        for (var length = 2; length <= Size; length <<= 1)
        {
            var half = length / 2;
            var stride = Size / length;
            for (var start = 0; start < Size; start += length)
            {
                for (var k = 0; k < half; k++)
                {
                    float wr = _cos[k * stride], wi = _sin[k * stride];
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
