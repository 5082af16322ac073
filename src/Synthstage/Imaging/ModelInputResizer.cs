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
}
