namespace Synthstage.Upscaling.Evaluation;

/// <summary>
/// Resizes RGB images by an integer factor the way MATLAB's <c>imresize(img, 1/s, 'bicubic')</c> does, which is how
/// DIV2K's low-resolution images (the ESRGAN models' training data) were made: the Keys cubic kernel (a = −0.5 by default),
/// when shrinking stretched by the factor so it also low-passes (antialiasing), pixel-centre aligned, weights normalised,
/// borders mirrored; in floating point on 0..1 and rounded to bytes once at the end. Enlarging by the factor gives
/// the bicubic baseline SR papers compare with.
/// </summary>
/// <param name="factor">The factor (1 to 8).</param>
/// <param name="a">The cubic's parameter: −0.5 is MATLAB's and Keys'; −0.6 is close to ffmpeg's default bicubic (B = 0, C = 0.6).</param>
/// <param name="antialias">Stretch the kernel by the factor (MATLAB's default); false samples the cubic at the source's own
/// spacing, aliasing fine detail as a naive resize would.</param>
public sealed class MatlabBicubic(int factor, double a = -0.5, bool antialias = true)
{
    /// <summary>The shrink factor.</summary>
    public int Factor { get; } = factor >= 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "the factor must be at least 1");

    /// <summary>Shrinks <paramref name="rgb"/> (width × height × 3 bytes) to (width / Factor) × (height / Factor).</summary>
    /// <exception cref="ArgumentException">A side is not a multiple of the factor.</exception>
    public byte[] Shrink(ReadOnlySpan<byte> rgb, int width, int height)
    {
        if (width % Factor != 0 || height % Factor != 0)
            throw new ArgumentException($"{width}×{height} is not a multiple of {Factor} on both sides");
        return Resize(rgb, width, height, width / Factor, height / Factor, shrink: true);
    }

    /// <summary>Enlarges <paramref name="rgb"/> (width × height × 3 bytes) to (width · Factor) × (height · Factor).</summary>
    public byte[] Enlarge(ReadOnlySpan<byte> rgb, int width, int height) =>
        Resize(rgb, width, height, width * Factor, height * Factor, shrink: false);

    private byte[] Resize(ReadOnlySpan<byte> rgb, int width, int height, int outWidth, int outHeight, bool shrink)
    {
        if (rgb.Length != width * height * 3) throw new ArgumentException($"expected {width * height * 3} bytes, got {rgb.Length}", nameof(rgb));
        var (xTaps, xWeights) = Weights(width, outWidth, shrink);
        var (yTaps, yWeights) = Weights(height, outHeight, shrink);
        var taps = xTaps.GetLength(1);

        // Rows first (each source row → outWidth columns), then columns; doubles throughout.
        var horizontal = new double[height * outWidth * 3];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < outWidth; x++)
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (var k = 0; k < taps; k++) sum += xWeights[x, k] * rgb[(y * width + xTaps[x, k]) * 3 + c];
                    horizontal[(y * outWidth + x) * 3 + c] = sum / 255.0;
                }
        var result = new byte[outWidth * outHeight * 3];
        for (var y = 0; y < outHeight; y++)
            for (var x = 0; x < outWidth; x++)
                for (var c = 0; c < 3; c++)
                {
                    double sum = 0;
                    for (var k = 0; k < taps; k++) sum += yWeights[y, k] * horizontal[(yTaps[y, k] * outWidth + x) * 3 + c];
                    result[(y * outWidth + x) * 3 + c] = (byte)Math.Clamp(Math.Round(sum * 255.0, MidpointRounding.AwayFromZero), 0, 255);
                }
        return result;
    }

    // MATLAB's contributions(): output pixel i (0-based) sits at source position (i + 0.5)·in/out − 0.5; the kernel spans
    // 4 source pixels (4·s with antialiasing); indices beyond the border are mirrored (symmetric padding).
    private (int[,] Taps, double[,] Weights) Weights(int inLength, int outLength, bool shrink)
    {
        double stretch = shrink && antialias ? Factor : 1;
        var step = (double)inLength / outLength;
        var kernelWidth = 4 * stretch;
        var count = (int)Math.Ceiling(kernelWidth) + 2;
        var taps = new int[outLength, count];
        var weights = new double[outLength, count];
        for (var i = 0; i < outLength; i++)
        {
            var centre = (i + 0.5) * step - 0.5;
            var left = (int)Math.Floor(centre - kernelWidth / 2);
            double sum = 0;
            for (var k = 0; k < count; k++)
            {
                var w = Cubic((centre - (left + k)) / stretch) / stretch;
                weights[i, k] = w;
                sum += w;
                taps[i, k] = Mirror(left + k, inLength);
            }
            for (var k = 0; k < count; k++) weights[i, k] /= sum;
        }
        return (taps, weights);
    }

    private double Cubic(double x)
    {
        x = Math.Abs(x);
        if (x <= 1) return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        if (x < 2) return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
        return 0;
    }

    // Symmetric padding as MATLAB's: −1 → 0, −2 → 1, n → n − 1.
    private static int Mirror(int index, int length)
    {
        var period = 2 * length;
        index %= period;
        if (index < 0) index += period;
        return index < length ? index : period - 1 - index;
    }
}
