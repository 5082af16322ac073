namespace Synthstage.Diffusion;

/// <summary>
/// Reproduces PyTorch's CPU generator: <c>torch.manual_seed(seed)</c> followed by successive
/// <c>torch.randn(..., dtype=torch.float32)</c> calls, so a seed gives the same initial latents and the same
/// ancestral noise as diffusers with a CPU <c>torch.Generator</c>.
/// </summary>
/// <remarks>
/// <para>The engine is MT19937 seeded with the low 32 bits of the seed (torch's <c>mt19937</c>).</para>
/// <para>For 16 or more elements torch's <c>normal_fill</c> first draws one 24-bit uniform
/// <c>(u32 &amp; 0xFFFFFF)·2⁻²⁴</c> per element, then applies Box–Muller to blocks of 16 in place, pairing
/// element j with j + 8; when the count is not a multiple of 16 it draws 16 fresh uniforms for the last 16
/// elements and transforms them again. The transcendental functions follow the AVX2 kernel (float32
/// <c>log</c>, <c>sin</c>, <c>cos</c>, <c>θ = (float)2π · u2</c>); results agree with torch to about 1 ulp.</para>
/// <para>For fewer than 16 elements torch takes the scalar path: a double-precision Box–Muller on two 53-bit
/// uniforms, returning <c>r·cos θ</c> and caching <c>r·sin θ</c> for the next scalar draw. The cache lives in the
/// generator (as in torch) and survives across calls; the 16-or-more path neither reads nor clears it.</para>
/// <para>Not thread-safe: use one generator per stream.</para>
/// </remarks>
public sealed class TorchGenerator : INoiseSource
{
    private const int StateSize = 624;
    private const int ShiftSize = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    private readonly uint[] _state = new uint[StateSize];
    private int _left = 1;
    private int _next;
    private double? _nextDoubleNormal;

    /// <summary>Seeds the generator as <c>torch.manual_seed(seed)</c> does.</summary>
    /// <param name="seed">The seed; torch's MT19937 uses its low 32 bits.</param>
    public TorchGenerator(ulong seed)
    {
        Seed = seed;
        _state[0] = (uint)(seed & 0xffffffff);
        for (int j = 1; j < StateSize; j++)
        {
            _state[j] = 1812433253u * (_state[j - 1] ^ (_state[j - 1] >> 30)) + (uint)j;
        }
    }

    /// <summary>The seed this generator was created with.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Draws <c>shape</c>'s element count of standard normal samples, as <c>torch.randn(*shape)</c>, in
    /// row-major (C) order.
    /// </summary>
    /// <param name="shape">Tensor shape, e.g. <c>[1, 4, 64, 64]</c> for SD 1.5 latents at 512×512; each dimension ≥ 0.</param>
    /// <returns>A new array of the product of the dimensions.</returns>
    /// <exception cref="ArgumentException">A dimension is negative or the product overflows.</exception>
    public float[] Randn(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (int dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Shape dimensions must be non-negative; got [{string.Join(", ", shape)}].", nameof(shape));
            }
            count *= dim;
            if (count > Array.MaxLength)
            {
                throw new ArgumentException($"Shape [{string.Join(", ", shape)}] has more elements than an array can hold.", nameof(shape));
            }
        }
        var result = new float[count];
        Randn(result);
        return result;
    }

    /// <summary>
    /// Fills <paramref name="destination"/> as one <c>torch.randn(destination.Length)</c> call would, continuing the
    /// generator's stream.
    /// </summary>
    /// <param name="destination">Receives the samples; an empty span draws nothing.</param>
    public void Randn(Span<float> destination)
    {
        int size = destination.Length;
        if (size == 0)
        {
            return;
        }
        if (size < 16)
        {
            for (int i = 0; i < size; i++)
            {
                destination[i] = (float)NextDoubleNormal();
            }
            return;
        }

        // 1. One 24-bit uniform per element, in order.
        for (int i = 0; i < size; i++)
        {
            destination[i] = NextFloatUniform();
        }
        // 2. Box–Muller over whole blocks of 16, pairing j with j + 8.
        for (int i = 0; i + 16 <= size; i += 16)
        {
            BoxMuller16(destination.Slice(i, 16));
        }
        // 3. A ragged tail: torch redraws the last 16 uniforms and transforms them again.
        if (size % 16 != 0)
        {
            Span<float> last = destination.Slice(size - 16, 16);
            for (int i = 0; i < 16; i++)
            {
                last[i] = NextFloatUniform();
            }
            BoxMuller16(last);
        }
    }

    /// <inheritdoc/>
    public void FillStandardNormal(Span<float> destination) => Randn(destination);

    private static void BoxMuller16(Span<float> data)
    {
        const float twoPi = (float)(2.0 * Math.PI);
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1f - data[j]; // [0, 1) → (0, 1] so the log is finite
            float u2 = data[j + 8];
            float radius = MathF.Sqrt(-2f * MathF.Log(u1));
            float theta = twoPi * u2;
            data[j] = radius * MathF.Cos(theta);
            data[j + 8] = radius * MathF.Sin(theta);
        }
    }

    private double NextDoubleNormal()
    {
        if (_nextDoubleNormal is double cached)
        {
            _nextDoubleNormal = null;
            return cached;
        }
        double u1 = NextDoubleUniform();
        double u2 = NextDoubleUniform();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    // torch: uniform_real<float>(random()) keeps the low 24 bits (float's digits) scaled by 2^-24.
    private float NextFloatUniform() => (NextUInt32() & 0xFFFFFF) * (1f / 16777216f);

    // torch: random64() = (first u32 << 32) | second u32, low 53 bits scaled by 2^-53.
    private double NextDoubleUniform()
    {
        ulong hi = NextUInt32();
        ulong lo = NextUInt32();
        ulong bits = (hi << 32) | lo;
        return (bits & ((1UL << 53) - 1)) * (1.0 / 9007199254740992.0);
    }

    private uint NextUInt32()
    {
        if (--_left <= 0)
        {
            NextState();
        }
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    private void NextState()
    {
        _left = StateSize;
        _next = 0;
        for (int k = 0; k < StateSize; k++)
        {
            uint y = (_state[k] & UpperMask) | (_state[(k + 1) % StateSize] & LowerMask);
            _state[k] = _state[(k + ShiftSize) % StateSize] ^ (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0u);
        }
    }
}
