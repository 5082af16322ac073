using Synthstage.Imaging;
using Synthstage.Video;

namespace Synthstage.Compositing;

/// <summary>Blends the subject (RGB24 frame) over a background using the matte enlarged to full resolution, in place.</summary>
public sealed class CompositeFinisher : IFrameFinisher
{
    private readonly IBackgroundSource _background;
    private readonly IMatteEnlarger _matte;
    private readonly byte[] _alpha;
    private readonly byte[] _plate;

    /// <summary>
    /// Creates the finisher for frames of width×height. Takes ownership of <paramref name="background"/>;
    /// <paramref name="matte"/> (which enlarges the low-resolution matte) stays the caller's.
    /// </summary>
    public CompositeFinisher(IBackgroundSource background, int width, int height, IMatteEnlarger matte)
    {
        _background = background;
        _matte = matte;
        _alpha = new byte[width * height];
        _plate = new byte[width * height * 3];
        if (background.IsStatic) background.Render(ReadOnlySpan<byte>.Empty, _plate);
    }

    /// <inheritdoc/>
    public int OutputBytes => 0;

    /// <inheritdoc/>
    public void Finish(FrameWork work)
    {
        if (!_background.IsStatic) _background.Render(work.Input, _plate);
        _matte.Enlarge(work.Input, work.Mask, _alpha);
        AlphaBlend.BlendRgb(work.Input, _plate, _alpha, work.Output);
    }

    /// <inheritdoc/>
    public void Dispose() => _background.Dispose();
}
