namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// SplitMix64: a tiny generator whose sequence is fixed by its definition (unlike <see cref="Random"/>, whose
/// sequence may change between .NET versions), so a key gives the same watermark pattern forever.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, bound).</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);
}
