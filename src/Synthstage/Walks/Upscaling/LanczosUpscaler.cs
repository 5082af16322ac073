using System.Numerics.Tensors;

namespace Synthstage.Walks.Upscaling;

/// <summary>
/// Integer-factor Lanczos-3 upscaling: separable, pixel-centre aligned (output pixel x samples the source at
/// (x + 0.5)/N − 0.5), edges clamped, weights normalised to sum 1. The kernel has only N phases, so weights are
/// computed once; the intermediate buffer is kept for the last frame size, so upscaling frame after frame allocates nothing.
/// </summary>
public sealed class LanczosUpscaler : IFrameUpscaler
{
    private const int Lobes = 3;
    private const int Taps = 2 * Lobes;

    private readonly float[] _weights;
    private readonly int[] _firstTap;
    private float[] _horizontal = [];
    private float[] _row = [];

    /// <summary>Creates an upscaler for one factor.</summary>
    /// <param name="factor">2 to 8 (1 copies).</param>
    public LanczosUpscaler(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(factor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(factor, 8);
        Factor = factor;
        _weights = new float[factor * Taps];
        _firstTap = new int[factor];
        for (var phase = 0; phase < factor; phase++)
        {
            // Source position of output pixel base·N + phase, relative to source pixel `base`.
            var centre = (phase + 0.5) / factor - 0.5;
            var first = (int)Math.Floor(centre) - Lobes + 1;
            _firstTap[phase] = first;
            double sum = 0;
            for (var k = 0; k < Taps; k++) sum += Kernel(centre - (first + k));
            for (var k = 0; k < Taps; k++) _weights[phase * Taps + k] = (float)(Kernel(centre - (first + k)) / sum);
        }
    }

    /// <inheritdoc />
    public int Factor { get; }

    /// <inheritdoc />
    public void Upscale(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination)
    {
        var n = Factor;
        int outWidth = width * n, outHeight = height * n, outRow = outWidth * 3;
        if (source.Length != width * height * 3) throw new ArgumentException($"expected {width * height * 3} source bytes, got {source.Length}", nameof(source));
        if (destination.Length != outRow * outHeight) throw new ArgumentException($"expected room for {outRow * outHeight} bytes, got {destination.Length}", nameof(destination));
        if (_horizontal.Length < height * outRow) _horizontal = new float[height * outRow];
        if (_row.Length < outRow) _row = new float[outRow];

        // 1. Horizontal: each source row → a row N times wider (float).
        for (var y = 0; y < height; y++)
        {
            var src = source.Slice(y * width * 3, width * 3);
            var dst = _horizontal.AsSpan(y * outRow, outRow);
            for (var x = 0; x < width; x++)
                for (var phase = 0; phase < n; phase++)
                {
                    var weights = _weights.AsSpan(phase * Taps, Taps);
                    var first = x + _firstTap[phase];
                    float r = 0, g = 0, b = 0;
                    for (var k = 0; k < Taps; k++)
                    {
                        var sx = Math.Clamp(first + k, 0, width - 1) * 3;
                        var w = weights[k];
                        r += w * src[sx];
                        g += w * src[sx + 1];
                        b += w * src[sx + 2];
                    }
                    var o = (x * n + phase) * 3;
                    dst[o] = r;
                    dst[o + 1] = g;
                    dst[o + 2] = b;
                }
        }

        // 2. Vertical: each output row is a weighted sum of six horizontal rows (vectorised), rounded to bytes.
        var row = _row.AsSpan(0, outRow);
        for (var y = 0; y < height; y++)
            for (var phase = 0; phase < n; phase++)
            {
                var weights = _weights.AsSpan(phase * Taps, Taps);
                var first = y + _firstTap[phase];
                row.Clear();
                for (var k = 0; k < Taps; k++)
                {
                    var sy = Math.Clamp(first + k, 0, height - 1);
                    TensorPrimitives.MultiplyAdd(_horizontal.AsSpan(sy * outRow, outRow), weights[k], row, row);
                }
                var dst = destination.Slice((y * n + phase) * outRow, outRow);
                for (var i = 0; i < outRow; i++) dst[i] = (byte)Math.Clamp(MathF.Round(row[i]), 0f, 255f);
            }
    }

    private static double Kernel(double x)
    {
        if (x == 0) return 1;
        if (Math.Abs(x) >= Lobes) return 0;
        var px = Math.PI * x;
        return Lobes * Math.Sin(px) * Math.Sin(px / Lobes) / (px * px);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _horizontal = [];
        _row = [];
    }
}
