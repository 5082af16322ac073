namespace Synthstage.Imaging;

/// <summary>
/// Precomputed 1-D bilinear taps for resizing <c>sourceLength</c> samples to <c>destinationLength</c>
/// with pixel-centre alignment (<c>src = (dst + 0.5) · scale − 0.5</c>, clamped at the edges), the
/// sampling MediaPipe's GPU path uses. Each destination sample may be repeated <c>channels</c> times so
/// interleaved rows (RGB, or a mask expanded to RGB) resample in one pass.
/// </summary>
public sealed class PixelCentreSampling
{
    /// <summary>Creates the taps.</summary>
    /// <param name="sourceLength">Samples in the source row or column.</param>
    /// <param name="destinationLength">Samples in the destination.</param>
    /// <param name="channels">How many interleaved values each destination sample stands for.</param>
    public PixelCentreSampling(int sourceLength, int destinationLength, int channels = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sourceLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(destinationLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        SourceLength = sourceLength;
        DestinationLength = destinationLength;
        Channels = channels;
        Index0 = new int[destinationLength * channels];
        Index1 = new int[destinationLength * channels];
        Weight1 = new float[destinationLength * channels];
        var scale = (double)sourceLength / destinationLength;
        for (var d = 0; d < destinationLength; d++)
        {
            var s = Math.Clamp((d + 0.5) * scale - 0.5, 0, sourceLength - 1);
            var i0 = (int)Math.Floor(s);
            var i1 = Math.Min(i0 + 1, sourceLength - 1);
            var w = (float)(s - i0);
            for (var c = 0; c < channels; c++)
            {
                var k = d * channels + c;
                Index0[k] = i0 * channels + c;
                Index1[k] = i1 * channels + c;
                Weight1[k] = w;
            }
        }
    }

    /// <summary>Samples in the source.</summary>
    public int SourceLength { get; }

    /// <summary>Samples in the destination.</summary>
    public int DestinationLength { get; }

    /// <summary>Interleaved values per sample.</summary>
    public int Channels { get; }

    /// <summary>For each destination value, the index of the left/upper source value (already × channels + channel).</summary>
    public int[] Index0 { get; }

    /// <summary>For each destination value, the index of the right/lower source value.</summary>
    public int[] Index1 { get; }

    /// <summary>For each destination value, the weight of <see cref="Index1"/> (the other tap gets 1 − weight).</summary>
    public float[] Weight1 { get; }
}
