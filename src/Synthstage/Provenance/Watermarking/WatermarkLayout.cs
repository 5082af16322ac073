namespace Synthstage.Provenance.Watermarking;

/// <summary>
/// Where the watermark lives in the spectrum of one periodic N×N tile: a ring of frequencies (wavelengths
/// about 6–40 px, which survive H.264, JPEG and halving the size), split by the key into a synchronisation
/// template (known phases, found at any cyclic shift by one inverse FFT) and one group of bins per coded bit
/// (phase flipped by π for a 0). Only one half-plane is listed; the other is its complex conjugate.
/// </summary>
internal sealed class WatermarkLayout
{
    /// <summary>Tile edge in pixels at the embedding scale.</summary>
    public const int TileSize = 128;

    /// <summary>Bits of payload (the content id).</summary>
    public const int PayloadBits = 32;

    /// <summary>Message bits: payload then CRC-16.</summary>
    public const int MessageBits = PayloadBits + 16;

    private const double InnerRadius = 3.0;
    private const double OuterRadius = 21.0;
    private const double SyncShare = 0.3;

    private static readonly Dictionary<ulong, WatermarkLayout> s_cache = [];
    private static readonly Lock s_cacheLock = new();

    private WatermarkLayout(WatermarkKey key)
    {
        var bins = new List<(int U, int V)>();
        var half = TileSize / 2;
        for (var v = 0; v < half; v++)
            for (var u = -half + 1; u < half; u++)
            {
                if (v == 0 && u <= 0) continue;
                var r = Math.Sqrt(u * u + v * v);
                if (r >= InnerRadius && r <= OuterRadius) bins.Add((u, v));
            }
        var random = new SplitMix64(key.Seed);
        for (var i = bins.Count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (bins[i], bins[j]) = (bins[j], bins[i]);
        }
        var syncCount = (int)(bins.Count * SyncShare);
        CodedBits = ConvolutionalCode.CodedLength(MessageBits);
        Index = new int[bins.Count];
        PhaseRe = new double[bins.Count];
        PhaseIm = new double[bins.Count];
        U = new int[bins.Count];
        V = new int[bins.Count];
        BitOf = new int[bins.Count];
        for (var i = 0; i < bins.Count; i++)
        {
            var (u, v) = bins[i];
            U[i] = u;
            V[i] = v;
            Index[i] = v * TileSize + (u + TileSize) % TileSize;
            var phase = 2 * Math.PI * random.NextDouble();
            PhaseRe[i] = Math.Cos(phase);
            PhaseIm[i] = Math.Sin(phase);
            BitOf[i] = i < syncCount ? -1 : (i - syncCount) % CodedBits;
        }
        SyncCount = syncCount;
    }

    /// <summary>Number of half-plane bins used (sync first, then data).</summary>
    public int Count => Index.Length;

    /// <summary>Bins 0 … SyncCount−1 carry the template.</summary>
    public int SyncCount { get; }

    /// <summary>Coded bits carried by the data bins.</summary>
    public int CodedBits { get; }

    /// <summary>Row-major index of each bin in the N×N spectrum.</summary>
    public int[] Index { get; }

    /// <summary>Horizontal frequency of each bin, cycles per tile (−N/2 &lt; u &lt; N/2).</summary>
    public int[] U { get; }

    /// <summary>Vertical frequency of each bin, cycles per tile (0 ≤ v &lt; N/2).</summary>
    public int[] V { get; }

    /// <summary>Real part of each bin's key phase.</summary>
    public double[] PhaseRe { get; }

    /// <summary>Imaginary part of each bin's key phase.</summary>
    public double[] PhaseIm { get; }

    /// <summary>The coded bit a bin carries, or −1 for a sync bin.</summary>
    public int[] BitOf { get; }

    public static WatermarkLayout For(WatermarkKey key)
    {
        lock (s_cacheLock)
        {
            if (!s_cache.TryGetValue(key.Seed, out var layout))
            {
                if (s_cache.Count > 64) s_cache.Clear();
                s_cache[key.Seed] = layout = new WatermarkLayout(key);
            }
            return layout;
        }
    }

    /// <summary>Payload → message bits (payload MSB first, then its CRC-16) → coded bits.</summary>
    public byte[] Encode(uint payload)
    {
        var message = new byte[MessageBits];
        for (var i = 0; i < PayloadBits; i++) message[i] = (byte)((payload >> (PayloadBits - 1 - i)) & 1);
        var crc = Crc16.OfBits(message.AsSpan(0, PayloadBits));
        for (var i = 0; i < 16; i++) message[PayloadBits + i] = (byte)((crc >> (15 - i)) & 1);
        var coded = new byte[CodedBits];
        ConvolutionalCode.Encode(message, coded);
        return coded;
    }

    /// <summary>
    /// The spatial tile (N×N, zero mean, unit RMS) for a payload: the inverse FFT of unit-magnitude bins with the
    /// key's phases, data bins negated for coded zeros, Hermitian so the tile is real.
    /// </summary>
    public double[] SynthesizeTile(uint payload)
    {
        var coded = Encode(payload);
        const int n = TileSize;
        var re = new double[n * n];
        var im = new double[n * n];
        for (var i = 0; i < Count; i++)
        {
            var sign = BitOf[i] < 0 || coded[BitOf[i]] == 1 ? 1.0 : -1.0;
            var (u, v) = (U[i], V[i]);
            var k = v * n + (u + n) % n;
            var mirror = (n - v) % n * n + (n - u) % n;
            re[k] = sign * PhaseRe[i];
            im[k] = sign * PhaseIm[i];
            re[mirror] = sign * PhaseRe[i];
            im[mirror] = -sign * PhaseIm[i];
        }
        new Numerics.FourierTransform<double>(n).Transform2D(re, im, inverse: true);
        var energy = 0.0;
        foreach (var value in re) energy += value * value;
        var scale = 1 / Math.Sqrt(energy / re.Length);
        for (var i = 0; i < re.Length; i++) re[i] *= scale;
        return re;
    }
}
