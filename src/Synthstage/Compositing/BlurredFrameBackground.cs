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

    /// <summary>Prepares buffers for frames of width×height.</summary>
    public BlurredFrameBackground(int width, int height)
    {
        _width = width;
        _height = height;
        _smallWidth = Math.Max(1, width / Factor);
        _smallHeight = Math.Max(1, height / Factor);
        _small = new float[_smallWidth * _smallHeight * 3];
        _scratch = new float[_small.Length];
        _upsampler = new MaskUpsampler(_smallWidth, _smallHeight, width, height, repeat: 3, interleavedSource: true);
        // Cells differ by a pixel when the size is not a multiple of the factor; weigh each by its own area.
        var counts = new int[_smallWidth * _smallHeight];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                counts[CellRow(y) * _smallWidth + CellColumn(x)]++;
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
        for (var y = 0; y < _height; y++)
        {
            var sy = CellRow(y);
            var row = frame.Slice(y * stride, stride);
            var dst = _small.AsSpan(sy * _smallWidth * 3, _smallWidth * 3);
            for (var x = 0; x < _width; x++)
            {
                var sx = CellColumn(x) * 3;
                dst[sx] += row[x * 3];
                dst[sx + 1] += row[x * 3 + 1];
                dst[sx + 2] += row[x * 3 + 2];
            }
        }
        System.Numerics.Tensors.TensorPrimitives.Multiply(_small, _cellWeights, _small);
    }

    private int CellRow(int y) => (int)Math.Min((long)y * _smallHeight / _height, _smallHeight - 1);

    private int CellColumn(int x) => (int)Math.Min((long)x * _smallWidth / _width, _smallWidth - 1);

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
