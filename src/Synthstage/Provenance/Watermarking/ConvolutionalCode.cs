namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// The rate-1/2, constraint-length-7 convolutional code with generators 133 and 171 (octal) — the NASA/802.11
/// code — terminated with six zero bits, and its soft-decision Viterbi decoder.
/// </summary>
internal static class ConvolutionalCode
{
    private const int Memory = 6;
    private const int States = 1 << Memory;
    private const int Generator0 = 0x5B; // 133 octal
    private const int Generator1 = 0x79; // 171 octal

    /// <summary>Coded length for <paramref name="messageBits"/> message bits (tail included).</summary>
    public static int CodedLength(int messageBits) => 2 * (messageBits + Memory);

    /// <summary>Encodes message bits (0/1) into <see cref="CodedLength"/> coded bits (0/1).</summary>
    public static void Encode(ReadOnlySpan<byte> message, Span<byte> coded)
    {
        var register = 0;
        for (var i = 0; i < message.Length + Memory; i++)
        {
            var bit = i < message.Length ? message[i] & 1 : 0;
            register = ((register << 1) | bit) & 0x7F;
            coded[2 * i] = (byte)Parity(register & Generator0);
            coded[2 * i + 1] = (byte)Parity(register & Generator1);
        }
    }

    /// <summary>
    /// Maximum-likelihood decoding from soft values (positive = coded bit 1, magnitude = reliability).
    /// Writes <paramref name="message"/>.Length bits; the path is forced to end in state 0 by the tail.
    /// </summary>
    public static void Decode(ReadOnlySpan<double> soft, Span<byte> message)
    {
        var steps = message.Length + Memory;
        Span<double> metric = stackalloc double[States];
        Span<double> next = stackalloc double[States];
        var decisions = new ulong[steps];
        metric.Fill(double.NegativeInfinity);
        metric[0] = 0;
        for (var t = 0; t < steps; t++)
        {
            var s0 = soft[2 * t];
            var s1 = soft[2 * t + 1];
            next.Fill(double.NegativeInfinity);
            ulong chosen = 0;
            for (var state = 0; state < States; state++)
            {
                // state holds the last six input bits, newest lowest; its two predecessors differ in the oldest bit.
                var bit = state & 1;
                if (t >= message.Length && bit == 1) continue;
                var best = double.NegativeInfinity;
                var bestOldest = 0;
                for (var oldest = 0; oldest < 2; oldest++)
                {
                    var previous = (state >> 1) | (oldest << (Memory - 1));
                    if (double.IsNegativeInfinity(metric[previous])) continue;
                    var register = (previous << 1) | bit;
                    var m = metric[previous]
                        + (Parity(register & Generator0) == 1 ? s0 : -s0)
                        + (Parity(register & Generator1) == 1 ? s1 : -s1);
                    if (m > best)
                    {
                        best = m;
                        bestOldest = oldest;
                    }
                }
                next[state] = best;
                if (bestOldest == 1) chosen |= 1UL << state;
            }
            decisions[t] = chosen;
            next.CopyTo(metric);
        }
        var current = 0;
        for (var t = steps - 1; t >= 0; t--)
        {
            if (t < message.Length) message[t] = (byte)(current & 1);
            var oldest = (int)((decisions[t] >> current) & 1);
            current = (current >> 1) | (oldest << (Memory - 1));
        }
    }

    private static int Parity(int v) => System.Numerics.BitOperations.PopCount((uint)v) & 1;
}
