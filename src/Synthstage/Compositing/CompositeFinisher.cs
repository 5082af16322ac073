using Synthstage.Pipeline;
using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>Blends the subject (RGB24 frame) over a background using the matte enlarged to full resolution, in place.</summary>
public sealed class CompositeFinisher : IFrameFinisher
{
    private readonly IBackgroundSource _background;
    private readonly IMatteEnlarger _matte;
    private readonly byte[] _alpha;
    private readonly byte[] _plate;
    private readonly CompositeLookProcessor? _look;

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

    /// <summary>
    /// As the main constructor, and blends with <paramref name="look"/> (harmonisation, light wrap, linear light) unless
    /// it is off; maskWidth×maskHeight is the size of the low-resolution matte the light wrap reads.
    /// </summary>
    public CompositeFinisher(IBackgroundSource background, int width, int height, IMatteEnlarger matte, int maskWidth, int maskHeight, CompositeLook look)
        : this(background, width, height, matte)
    {
        ArgumentNullException.ThrowIfNull(look);
        if (look.IsOff) return;
        _look = new CompositeLookProcessor(look, width, height, maskWidth, maskHeight);
        if (background.IsStatic) _look.MeasurePlate(_plate);
    }

    /// <inheritdoc/>
    public int OutputBytes => 0;

    /// <inheritdoc/>
    public void Finish(FrameWork work)
    {
        if (!_background.IsStatic)
        {
            _background.Render(work.Index, work.Input, _plate);
            _look?.MeasurePlate(_plate);
        }
        _matte.Enlarge(work.Input, work.Mask, _alpha);
        if (_look is null) AlphaBlend.BlendRgb(work.Input, _plate, _alpha, work.Output);
        else _look.Blend(work.Input, _plate, _alpha, work.Mask, work.Output);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _background.Dispose();
        _look?.Dispose();
    }
}
