using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Synthstage.Imaging;

/// <summary>
/// Enlarges a low-resolution float plane (0..1) to full-resolution 8-bit rows with pixel-centre bilinear
/// sampling. The source is either one channel, optionally repeated per colour channel so that a mask lines
/// up with packed RGB rows, or interleaved with as many channels as the output (a small RGB image).
/// Horizontal taps run once per source row, the vertical blend is vectorised per output row.
/// </summary>
public sealed class MaskUpsampler : IDisposable
{
    private readonly PixelCentreSampling _columns;
    private readonly PixelCentreSampling _rows;
    private readonly float[] _wideRows;
    private readonly int _sourceChannels;

    /// <summary>Prepares tables for one mask size and one frame size.</summary>
    /// <param name="maskWidth">Low-resolution mask width.</param>
    /// <param name="maskHeight">Low-resolution mask height.</param>
    /// <param name="frameWidth">Full-resolution width.</param>
    /// <param name="frameHeight">Full-resolution height.</param>
    /// <param name="repeat">Values per output pixel: 1 for an alpha plane, 3 for packed RGB rows.</param>
    /// <param name="interleavedSource">
    /// False: the source has one channel, repeated <paramref name="repeat"/> times. True: the source is
    /// interleaved with <paramref name="repeat"/> channels.
    /// </param>
    public MaskUpsampler(int maskWidth, int maskHeight, int frameWidth, int frameHeight, int repeat = 1, bool interleavedSource = false)
    {
        _columns = new PixelCentreSampling(maskWidth, frameWidth, repeat);
        _sourceChannels = interleavedSource ? repeat : 1;
        if (!interleavedSource)
        {
            for (var i = 0; i < _columns.Index0.Length; i++)
            {
                _columns.Index0[i] /= repeat;
                _columns.Index1[i] /= repeat;
            }
        }
        _rows = new PixelCentreSampling(maskHeight, frameHeight);
        MaskWidth = maskWidth;
        MaskHeight = maskHeight;
        FrameWidth = frameWidth;
        FrameHeight = frameHeight;
        Repeat = repeat;
        RowLength = frameWidth * repeat;
        _wideRows = ArrayPool<float>.Shared.Rent(maskHeight * RowLength);
    }

    /// <summary>Mask width.</summary>
    public int MaskWidth { get; }

    /// <summary>Mask height.</summary>
    public int MaskHeight { get; }

    /// <summary>Output width in pixels.</summary>
    public int FrameWidth { get; }

    /// <summary>Output height in pixels.</summary>
    public int FrameHeight { get; }

    /// <summary>Values written per output pixel.</summary>
    public int Repeat { get; }

    /// <summary>Bytes in one output row (FrameWidth × Repeat).</summary>
    public int RowLength { get; }

    /// <summary>Upsamples <paramref name="mask"/> into <paramref name="alpha"/> (FrameHeight rows of <see cref="RowLength"/> bytes).</summary>
    /// <param name="mask">MaskHeight×MaskWidth(×channels when interleaved) values in 0..1 (values outside are clamped).</param>
    /// <param name="alpha">Destination, 0..255.</param>
    public void Upsample(ReadOnlySpan<float> mask, Span<byte> alpha)
    {
        var sourceStride = MaskWidth * _sourceChannels;
        if (mask.Length < sourceStride * MaskHeight) throw new ArgumentException("mask is smaller than the size given at construction", nameof(mask));
        if (alpha.Length < RowLength * FrameHeight) throw new ArgumentException("alpha is smaller than the frame", nameof(alpha));
        var wide = _wideRows.AsSpan(0, MaskHeight * RowLength);
        var i0 = _columns.Index0;
        var i1 = _columns.Index1;
        var w1 = _columns.Weight1;
        for (var y = 0; y < MaskHeight; y++)
        {
            var src = mask.Slice(y * sourceStride, sourceStride);
            var dst = wide.Slice(y * RowLength, RowLength);
            for (var x = 0; x < dst.Length; x++)
            {
                var a = src[i0[x]];
                dst[x] = a + (src[i1[x]] - a) * w1[x];
            }
            TensorPrimitives.Max(dst, 0f, dst);
            TensorPrimitives.Min(dst, 1f, dst);
            TensorPrimitives.Multiply(dst, 255f, dst);
            TensorPrimitives.Add(dst, 0.5f, dst);
        }
        for (var y = 0; y < FrameHeight; y++)
        {
            var top = wide.Slice(_rows.Index0[y] * RowLength, RowLength);
            var bottom = wide.Slice(_rows.Index1[y] * RowLength, RowLength);
            LerpToBytes(top, bottom, _rows.Weight1[y], alpha.Slice(y * RowLength, RowLength));
        }
    }

    /// <summary><c>destination[i] = (byte)(top[i] + (bottom[i] − top[i]) · weight)</c> for values already in 0.5..255.5.</summary>
    private static void LerpToBytes(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, float weight, Span<byte> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var w = Vector256.Create(weight);
            var n = Vector256<float>.Count;
            for (; i <= destination.Length - 4 * n; i += 4 * n)
            {
                var a = Lerp(top, bottom, i, w);
                var b = Lerp(top, bottom, i + n, w);
                var c = Lerp(top, bottom, i + 2 * n, w);
                var d = Lerp(top, bottom, i + 3 * n, w);
                var low = Vector256.Narrow(a, b);
                var high = Vector256.Narrow(c, d);
                Vector256.Narrow(low, high).CopyTo(destination.Slice(i, 4 * n));
            }
        }
        for (; i < destination.Length; i++) destination[i] = (byte)(top[i] + (bottom[i] - top[i]) * weight);
    }

    private static Vector256<uint> Lerp(ReadOnlySpan<float> top, ReadOnlySpan<float> bottom, int offset, Vector256<float> weight)
    {
        var t = Vector256.Create(top.Slice(offset, Vector256<float>.Count));
        var b = Vector256.Create(bottom.Slice(offset, Vector256<float>.Count));
        // Through int: the values are 0.5..255.5, where both conversions agree, and AVX2 has no float → uint
        // instruction (.NET emulates ConvertToUInt32 there, slower than the rest of the enlargement together).
        return Vector256.ConvertToInt32(t + (b - t) * weight).AsUInt32();
    }

    /// <summary>Returns the pooled scratch buffers.</summary>
    public void Dispose()
    {
        ArrayPool<float>.Shared.Return(_wideRows);
    }
}
