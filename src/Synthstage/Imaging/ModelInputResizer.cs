using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Synthstage.Imaging;

/// <summary>
/// Stretches a packed 8-bit RGB/RGBA frame to a model's input size as float RGB in 0..1 (NHWC or NCHW),
/// with pixel-centre bilinear sampling. Tables are computed once per frame size; no allocation per frame.
/// </summary>
public sealed class ModelInputResizer
{
    private readonly PixelCentreSampling _columns;
    private readonly PixelCentreSampling _rows;
    private readonly int _sourceChannels;
    // Per output value of an NHWC row (x·3 + c): the byte offsets of its two horizontal taps and the second's weight.
    private readonly int[] _offset0, _offset1;
    private readonly float[] _weight1;
    // Output values of a row whose 4-byte gathers stay inside a source row (the frame's last row must not read past it).
    private readonly int _safeInLastRow;

    /// <summary>Prepares a resizer from <paramref name="sourceWidth"/>×<paramref name="sourceHeight"/> frames.</summary>
    /// <param name="sourceWidth">Frame width in pixels.</param>
    /// <param name="sourceHeight">Frame height in pixels.</param>
    /// <param name="sourceChannels">3 for RGB24, 4 for RGBA32.</param>
    /// <param name="targetWidth">Model input width.</param>
    /// <param name="targetHeight">Model input height.</param>
    public ModelInputResizer(int sourceWidth, int sourceHeight, int sourceChannels, int targetWidth, int targetHeight)
    {
        if (sourceChannels is not (3 or 4)) throw new ArgumentOutOfRangeException(nameof(sourceChannels), "expected 3 (RGB) or 4 (RGBA)");
        _sourceChannels = sourceChannels;
        _columns = new PixelCentreSampling(sourceWidth, targetWidth);
        _rows = new PixelCentreSampling(sourceHeight, targetHeight);
        SourceWidth = sourceWidth;
        SourceHeight = sourceHeight;
        TargetWidth = targetWidth;
        TargetHeight = targetHeight;
        var values = targetWidth * 3;
        (_offset0, _offset1, _weight1) = (new int[values], new int[values], new float[values]);
        var stride = sourceWidth * sourceChannels;
        _safeInLastRow = values;
        for (var k = 0; k < values; k++)
        {
            int x = k / 3, c = k % 3;
            _offset0[k] = _columns.Index0[x] * sourceChannels + c;
            _offset1[k] = _columns.Index1[x] * sourceChannels + c;
            _weight1[k] = _columns.Weight1[x];
            if (Math.Max(_offset0[k], _offset1[k]) + 4 > stride) _safeInLastRow = Math.Min(_safeInLastRow, k);
        }
    }

    /// <summary>Frame width this resizer was built for.</summary>
    public int SourceWidth { get; }

    /// <summary>Frame height this resizer was built for.</summary>
    public int SourceHeight { get; }

    /// <summary>Output width.</summary>
    public int TargetWidth { get; }

    /// <summary>Output height.</summary>
    public int TargetHeight { get; }

    /// <summary>Resamples <paramref name="frame"/> into <paramref name="destination"/>.</summary>
    /// <param name="frame">Packed rows, <c>SourceWidth · channels</c> bytes each.</param>
    /// <param name="destination">TargetHeight·TargetWidth·3 floats in 0..1.</param>
    /// <param name="channelsFirst">False: [H,W,3] (TFLite layout); true: [3,H,W].</param>
    public void Resize(ReadOnlySpan<byte> frame, Span<float> destination, bool channelsFirst)
    {
        var stride = SourceWidth * _sourceChannels;
        if (frame.Length < stride * SourceHeight) throw new ArgumentException("frame is smaller than the size given at construction", nameof(frame));
        var plane = TargetWidth * TargetHeight;
        if (destination.Length < plane * 3) throw new ArgumentException("destination is too small", nameof(destination));
        if (!channelsFirst && Avx2.IsSupported)
        {
            ResizeInterleaved(frame, destination);
            return;
        }
        const float inv255 = 1f / 255f;
        var cIndex0 = _columns.Index0;
        var cIndex1 = _columns.Index1;
        var cWeight = _columns.Weight1;
        for (var y = 0; y < TargetHeight; y++)
        {
            var row0 = frame.Slice(_rows.Index0[y] * stride, stride);
            var row1 = frame.Slice(_rows.Index1[y] * stride, stride);
            var wy = _rows.Weight1[y];
            for (var x = 0; x < TargetWidth; x++)
            {
                var a = cIndex0[x] * _sourceChannels;
                var b = cIndex1[x] * _sourceChannels;
                var wx = cWeight[x];
                for (var c = 0; c < 3; c++)
                {
                    float top = row0[a + c] + (row0[b + c] - row0[a + c]) * wx;
                    float bottom = row1[a + c] + (row1[b + c] - row1[a + c]) * wx;
                    var v = (top + (bottom - top) * wy) * inv255;
                    if (channelsFirst) destination[c * plane + y * TargetWidth + x] = v;
                    else destination[(y * TargetWidth + x) * 3 + c] = v;
                }
            }
        }
    }

    // NHWC, eight output values at a time: each tap's byte is gathered as the low byte of a 32-bit load, and the
    // arithmetic is the scalar path's, value by value in the same order (the byte differences are exact in float).
    private unsafe void ResizeInterleaved(ReadOnlySpan<byte> frame, Span<float> destination)
    {
        const float inv255 = 1f / 255f;
        var stride = SourceWidth * _sourceChannels;
        var values = TargetWidth * 3;
        var low = Vector256.Create(0xFF);
        var scale = Vector256.Create(inv255);
        fixed (byte* pixels = frame)
        fixed (int* offsets0 = _offset0, offsets1 = _offset1)
        fixed (float* weights = _weight1)
        {
            for (var y = 0; y < TargetHeight; y++)
            {
                int r0 = _rows.Index0[y], r1 = _rows.Index1[y];
                var row0 = (int*)(pixels + (long)r0 * stride);
                var row1 = (int*)(pixels + (long)r1 * stride);
                var wy = _rows.Weight1[y];
                var vWy = Vector256.Create(wy);
                var output = destination.Slice(y * values, values);
                var safe = Math.Max(r0, r1) == SourceHeight - 1 ? _safeInLastRow : values;
                var k = 0;
                for (; k + 8 <= safe; k += 8)
                {
                    var o0 = Avx.LoadVector256(offsets0 + k);
                    var o1 = Avx.LoadVector256(offsets1 + k);
                    var wx = Avx.LoadVector256(weights + k);
                    var a0 = Avx.ConvertToVector256Single(Avx2.GatherVector256(row0, o0, 1) & low);
                    var b0 = Avx.ConvertToVector256Single(Avx2.GatherVector256(row0, o1, 1) & low);
                    var a1 = Avx.ConvertToVector256Single(Avx2.GatherVector256(row1, o0, 1) & low);
                    var b1 = Avx.ConvertToVector256Single(Avx2.GatherVector256(row1, o1, 1) & low);
                    var top = a0 + (b0 - a0) * wx;
                    var bottom = a1 + (b1 - a1) * wx;
                    ((top + (bottom - top) * vWy) * scale).CopyTo(output.Slice(k, 8));
                }
                var bytes0 = frame.Slice(r0 * stride, stride);
                var bytes1 = frame.Slice(r1 * stride, stride);
                for (; k < values; k++)
                {
                    int a = _offset0[k], b = _offset1[k];
                    var wx = _weight1[k];
                    float top = bytes0[a] + (bytes0[b] - bytes0[a]) * wx;
                    float bottom = bytes1[a] + (bytes1[b] - bytes1[a]) * wx;
                    output[k] = (top + (bottom - top) * wy) * inv255;
                }
            }
        }
    }
}
