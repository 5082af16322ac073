using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>
/// The frame itself, heavily blurred: area-averaged down by <see cref="Factor"/>, box-blurred twice at that
/// size, and enlarged bilinearly. Costs a fraction of a full-resolution blur of the same radius.
/// </summary>
public sealed class BlurredFrameBackground : IBackgroundSource
{
    /// <summary>Downscale factor of the working image.</summary>
    public const int Factor = 16;

    private readonly int _width;
    private readonly int _height;
    private readonly int _smallWidth;
    private readonly int _smallHeight;
    private readonly float[] _small;
    private readonly float[] _scratch;
    private readonly MaskUpsampler _upsampler;
    private readonly float[] _cellWeights;
    private readonly int[] _cellOfColumn;
    private readonly int[] _cellOfRow;
    private readonly ushort[] _rowSums;

    /// <summary>Prepares buffers for frames of width×height.</summary>
    public BlurredFrameBackground(int width, int height)
    {
        _width = width;
        _height = height;
        _smallWidth = Math.Max(1, width / Factor);
        _smallHeight = Math.Max(1, height / Factor);
        _small = new float[_smallWidth * _smallHeight * 3];
        _scratch = new float[_small.Length];
        _rowSums = new ushort[width * 3];
        _upsampler = new MaskUpsampler(_smallWidth, _smallHeight, width, height, repeat: 3, interleavedSource: true);
        // Cells differ by a pixel when the size is not a multiple of the factor; weigh each by its own area.
        _cellOfColumn = Enumerable.Range(0, width).Select(x => (int)Math.Min((long)x * _smallWidth / width, _smallWidth - 1) * 3).ToArray();
        _cellOfRow = Enumerable.Range(0, height).Select(y => (int)Math.Min((long)y * _smallHeight / height, _smallHeight - 1)).ToArray();
        var counts = new int[_smallWidth * _smallHeight];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                counts[_cellOfRow[y] * _smallWidth + _cellOfColumn[x] / 3]++;
        _cellWeights = new float[_small.Length];
        for (var i = 0; i < _cellWeights.Length; i++) _cellWeights[i] = 1f / (255f * counts[i / 3]);
    }

    /// <inheritdoc/>
    public bool IsStatic => false;

    /// <inheritdoc/>
    public void Render(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        Downscale(frame);
        BoxBlur(_small, _scratch, horizontal: true);
        BoxBlur(_scratch, _small, horizontal: false);
        BoxBlur(_small, _scratch, horizontal: true);
        BoxBlur(_scratch, _small, horizontal: false);
        _upsampler.Upsample(_small, destination);
    }

    private void Downscale(ReadOnlySpan<byte> frame)
    {
        Array.Clear(_small);
        var stride = _width * 3;
        var sums = _rowSums.AsSpan(0, stride);
        var rows = 0;
        for (var y = 0; y < _height; y++)
        {
            // Sum the frame rows of one cell row vectorised (16-bit sums, exact integers as float sums would be), then
            // fold the columns into cells once per cell row, or before the sums could overflow.
            RowAccumulate.Add(frame.Slice(y * stride, stride), sums);
            if (++rows < RowAccumulate.MaxUInt16Rows && y + 1 < _height && _cellOfRow[y + 1] == _cellOfRow[y]) continue;
            rows = 0;
            var dst = _small.AsSpan(_cellOfRow[y] * _smallWidth * 3, _smallWidth * 3);
            for (var x = 0; x < _width; x++)
            {
                var sx = _cellOfColumn[x];
                var px = x * 3;
                dst[sx] += sums[px];
                dst[sx + 1] += sums[px + 1];
                dst[sx + 2] += sums[px + 2];
            }
            sums.Clear();
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(_small, _cellWeights, _small);
    }

    private void BoxBlur(float[] source, float[] destination, bool horizontal)
    {
        const int radius = 2;
        var n = horizontal ? _smallWidth : _smallHeight;
        var lines = horizontal ? _smallHeight : _smallWidth;
        var step = horizontal ? 3 : _smallWidth * 3;
        for (var line = 0; line < lines; line++)
        {
            var start = horizontal ? line * _smallWidth * 3 : line * 3;
            for (var c = 0; c < 3; c++)
            {
                for (var i = 0; i < n; i++)
                {
                    var sum = 0f;
                    for (var k = -radius; k <= radius; k++) sum += source[start + Math.Clamp(i + k, 0, n - 1) * step + c];
                    destination[start + i * step + c] = sum / (2 * radius + 1);
                }
            }
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _upsampler.Dispose();
}
