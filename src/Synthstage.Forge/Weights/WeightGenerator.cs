using System.Numerics.Tensors;
using System.Text;

namespace Synthstage.Forge.Weights;

/// <summary>
/// Deterministic weight noise: a counter-based SplitMix64 stream per tensor, keyed by the seed and the tensor's name,
/// so any chunk can be generated on any thread and the bytes never depend on thread count, order or .NET version.
/// </summary>
/// <remarks>
/// Each element takes one 64-bit draw split into four 16-bit uniforms whose sum, centred and scaled, is an
/// Irwin–Hall(4) variate: mean 0, variance 1, bounded by ±3.46, close enough to a normal for initialisation and
/// much cheaper than Box–Muller (the full UNet has 860 M elements).
/// </remarks>
internal static class WeightGenerator
{
    private const ulong Golden = 0x9E3779B97F4A7C15UL;
    private const int ChunkSize = 1 << 16;
    // Sum of four uniform integers 0..65535: mean 4·32767.5, variance 4·(65536² − 1)/12.
    private const int TwiceSumMean = 4 * 65535;
    private static readonly double InverseSumStd = 1.0 / Math.Sqrt(4.0 * (65536.0 * 65536.0 - 1.0) / 12.0);

    /// <summary>Fills <paramref name="destination"/> as <paramref name="init"/> says, from the stream of (seed, name).</summary>
    public static void Fill(float[] destination, ulong seed, string name, WeightInit init) =>
        Fill(destination, destination.Length, seed, name, init);

    /// <summary>Fills the first <paramref name="length"/> elements of <paramref name="destination"/> (a reused buffer).</summary>
    public static void Fill(float[] destination, int length, ulong seed, string name, WeightInit init)
    {
        if (init.Std == 0)
        {
            Array.Fill(destination, init.Constant, 0, length);
            return;
        }
        var key = Mix(seed ^ Fnv1a(name));
        var chunks = (length + ChunkSize - 1) / ChunkSize;
        var std = init.Std;
        if (chunks == 1)
        {
            FillChunk(destination, 0, length, key, std);
            return;
        }
        Parallel.For(0, chunks, c =>
        {
            var start = c * ChunkSize;
            FillChunk(destination, start, Math.Min(ChunkSize, length - start), key, std);
        });
    }

    /// <summary>Converts to IEEE half precision (round to nearest even).</summary>
    public static Half[] ToHalf(float[] values)
    {
        var halves = GC.AllocateUninitializedArray<Half>(values.Length);
        TensorPrimitives.ConvertToHalf(values, halves);
        return halves;
    }

    private static void FillChunk(float[] destination, int start, int count, ulong key, float std)
    {
        var scale = (float)(std * InverseSumStd);
        var span = destination.AsSpan(start, count);
        var counter = key + (ulong)start * Golden;
        for (var i = 0; i < span.Length; i++)
        {
            counter += Golden;
            var r = Mix(counter);
            // Four 16-bit lanes summed in integers; centred exactly (2·sum − 2·mean is an integer) before one float multiply.
            var sum = (int)(r & 0xFFFF) + (int)((r >> 16) & 0xFFFF) + (int)((r >> 32) & 0xFFFF) + (int)(r >> 48);
            span[i] = (2 * sum - TwiceSumMean) * scale * 0.5f;
        }
    }

    // SplitMix64's output function (Steele, Lea, Flood 2014).
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 0x100000001B3UL;
        return hash;
    }
}
