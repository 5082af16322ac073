using Synthstage.Imaging;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using SkiaSharp;
using Synthstage.Compositing;
using Synthstage.Diffusion.Pipelines;

namespace Synthstage.Scenes;

/// <summary>
/// A background plate (a generated scene or an image), enlarged once with high-quality cubic resampling to cover the
/// frame — or, with a <see cref="PlateMotion"/>, to cover a larger plate — and then shown still, or moved over per
/// frame. A moving frame is cut from the plate with bilinear sampling: horizontal taps once per plate row (SIMD when
/// the window is frame-sized, as in a pan), vertical blend and conversion to bytes vectorised; all buffers are
/// preallocated, so a frame allocates nothing.
/// </summary>
public sealed class PlateBackground : IBackgroundSource
{
    private readonly PlateMotion _motion;
    private readonly int _frameWidth;
    private readonly int _frameHeight;
    private readonly int _plateWidth;
    private readonly int _plateHeight;
    private readonly int _frameCount;
    private readonly byte[]? _still;
    private readonly float[] _plate = [];
    private readonly int[] _columnIndex = [];
    private readonly int[] _columnIndex1 = [];
    private readonly float[] _columnWeight = [];
    private readonly float[][] _rows = [];
    private readonly int[] _rowSource = [];
    private readonly float[] _mixed = [];

    private PlateBackground(byte[] plate, PlateMotion motion, int plateWidth, int plateHeight, int frameWidth, int frameHeight, int frameCount)
    {
        _motion = motion;
        _frameWidth = frameWidth;
        _frameHeight = frameHeight;
        _plateWidth = plateWidth;
        _plateHeight = plateHeight;
        _frameCount = frameCount;
        if (motion.IsStill)
        {
            _still = plate;
            return;
        }
        _plate = new float[plate.Length];
        for (var i = 0; i < plate.Length; i++) _plate[i] = plate[i];
        _columnIndex = new int[frameWidth * 3];
        _columnIndex1 = new int[frameWidth * 3];
        _columnWeight = new float[frameWidth * 3];
        _rows = [new float[frameWidth * 3], new float[frameWidth * 3]];
        _rowSource = [-1, -1];
        _mixed = new float[frameWidth * 3];
    }

    /// <summary>Prepares <paramref name="image"/> as the plate for frames of frameWidth×frameHeight.</summary>
    /// <param name="image">The scene or picture; scaled to cover and centred.</param>
    /// <param name="motion">Still, pan or zoom.</param>
    /// <param name="frameWidth">Output frame width.</param>
    /// <param name="frameHeight">Output frame height.</param>
    /// <param name="frameCount">Frames the move is spread over (the clip's length).</param>
    public static PlateBackground Create(RgbImage image, PlateMotion motion, int frameWidth, int frameHeight, int frameCount)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(motion);
        motion.Validate();
        var (w, h) = motion.PlateSize(frameWidth, frameHeight);
        using var bitmap = image.ToBitmap();
        return new PlateBackground(ImageBackground.CoverToRgb24(bitmap, w, h), motion, w, h, frameWidth, frameHeight, frameCount);
    }

    /// <summary>Loads an image file as the plate (see <see cref="Create"/>).</summary>
    /// <exception cref="SynthstageException">The file is missing or not an image.</exception>
    public static PlateBackground Load(string path, PlateMotion motion, int frameWidth, int frameHeight, int frameCount)
    {
        using var decoded = ImageFiles.ReadRgba(path, "background image");
        motion.Validate();
        var (w, h) = motion.PlateSize(frameWidth, frameHeight);
        return new PlateBackground(ImageBackground.CoverToRgb24(decoded, w, h), motion, w, h, frameWidth, frameHeight, frameCount);
    }

    /// <inheritdoc/>
    public bool IsStatic => _still is not null;

    /// <inheritdoc/>
    public void Render(ReadOnlySpan<byte> frame, Span<byte> destination) => Render(0, frame, destination);

    /// <inheritdoc/>
    public void Render(int frameIndex, ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        if (_still is not null)
        {
            _still.CopyTo(destination);
            return;
        }
        var window = _motion.Window(frameIndex, _frameCount, _plateWidth, _plateHeight, _frameWidth, _frameHeight);
        var uniformShift = PrepareColumns(window);
        _rowSource[0] = _rowSource[1] = -1;
        var rowBytes = _frameWidth * 3;
        var scaleY = window.Height / _frameHeight;
        for (var y = 0; y < _frameHeight; y++)
        {
            var sy = Math.Clamp(window.Y + (y + 0.5) * scaleY - 0.5, 0, _plateHeight - 1);
            var y0 = (int)sy;
            var y1 = Math.Min(y0 + 1, _plateHeight - 1);
            var wy = (float)(sy - y0);
            var top = SampledRow(y0, uniformShift);
            var bottom = SampledRow(y1, uniformShift);
            TensorPrimitives.Lerp(top, bottom, wy, _mixed);
            ToBytes(_mixed, destination.Slice(y * rowBytes, rowBytes));
        }
    }

    /// <summary>Fills the column taps; returns the first column when every output pixel is the plate shifted by a constant (scale 1), else -1.</summary>
    private int PrepareColumns(PlateWindow window)
    {
        var scaleX = window.Width / _frameWidth;
        for (var x = 0; x < _frameWidth; x++)
        {
            var sx = Math.Clamp(window.X + (x + 0.5) * scaleX - 0.5, 0, _plateWidth - 1);
            var x0 = (int)sx;
            var x1 = Math.Min(x0 + 1, _plateWidth - 1);
            var w = (float)(sx - x0);
            for (var c = 0; c < 3; c++)
            {
                _columnIndex[x * 3 + c] = x0 * 3 + c;
                _columnIndex1[x * 3 + c] = x1 * 3 + c;
                _columnWeight[x * 3 + c] = w;
            }
        }
        var frameSized = Math.Abs(scaleX - 1) < 1e-9 && window.X >= 0 && window.X + _frameWidth <= _plateWidth - 1;
        return frameSized ? _columnIndex[0] : -1;
    }

    /// <summary>Plate row <paramref name="plateRow"/> resampled to the frame's width, cached for the next output row.</summary>
    private float[] SampledRow(int plateRow, int uniformShift)
    {
        if (_rowSource[0] == plateRow) return _rows[0];
        if (_rowSource[1] == plateRow) return _rows[1];
        // Replace the row the next output rows will not need (the older, lower-numbered one).
        var slot = _rowSource[0] < _rowSource[1] ? 0 : 1;
        var dst = _rows[slot];
        _rowSource[slot] = plateRow;
        var src = _plate.AsSpan(plateRow * _plateWidth * 3, _plateWidth * 3);
        if (uniformShift >= 0)
        {
            // Pan: one fractional offset for the whole row, so the taps are two shifted slices.
            TensorPrimitives.Lerp(src.Slice(uniformShift, dst.Length), src.Slice(uniformShift + 3, dst.Length), _columnWeight[0], dst);
            return dst;
        }
        var index0 = _columnIndex.AsSpan(0, dst.Length);
        var index1 = _columnIndex1.AsSpan(0, dst.Length);
        var weight = _columnWeight.AsSpan(0, dst.Length);
        for (var i = 0; i < dst.Length; i++)
        {
            var a = src[index0[i]];
            dst[i] = a + (src[index1[i]] - a) * weight[i];
        }
        return dst;
    }

    private static void ToBytes(ReadOnlySpan<float> values, Span<byte> destination)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var half = Vector256.Create(0.5f);
            var n = Vector256<float>.Count;
            for (; i <= values.Length - 4 * n; i += 4 * n)
            {
                var a = Vector256.ConvertToInt32(Vector256.Create(values.Slice(i, n)) + half);
                var b = Vector256.ConvertToInt32(Vector256.Create(values.Slice(i + n, n)) + half);
                var c = Vector256.ConvertToInt32(Vector256.Create(values.Slice(i + 2 * n, n)) + half);
                var d = Vector256.ConvertToInt32(Vector256.Create(values.Slice(i + 3 * n, n)) + half);
                var low = Vector256.Narrow(a.AsUInt32(), b.AsUInt32());
                var high = Vector256.Narrow(c.AsUInt32(), d.AsUInt32());
                Vector256.Narrow(low, high).CopyTo(destination.Slice(i, 4 * n));
            }
        }
        for (; i < values.Length; i++) destination[i] = (byte)(values[i] + 0.5f);
    }

    /// <inheritdoc/>
    public void Dispose() { }
}
