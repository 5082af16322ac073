using Synthstage.Imaging;
using Synthstage.Video;

namespace Synthstage.Compositing;

/// <summary>Blends the subject (RGB24 frame) over a background using the matte enlarged to full resolution, in place.</summary>
public sealed class CompositeFinisher : IFrameFinisher
{
    private readonly IBackgroundSource _background;
    private readonly MaskUpsampler _upsampler;
    private readonly byte[] _alpha;
    private readonly byte[] _plate;
    private readonly CompositeLookProcessor? _look;

    /// <summary>Creates the finisher for frames of width×height and masks of maskWidth×maskHeight. Takes ownership of <paramref name="background"/>.</summary>
    public CompositeFinisher(IBackgroundSource background, int width, int height, int maskWidth, int maskHeight)
    {
        _background = background;
        _upsampler = new MaskUpsampler(maskWidth, maskHeight, width, height);
        _alpha = new byte[width * height];
        _plate = new byte[width * height * 3];
        if (background.IsStatic) background.Render(ReadOnlySpan<byte>.Empty, _plate);
    }

    /// <summary>As the main constructor, and blends with <paramref name="look"/> (harmonisation, light wrap, linear light) unless it is off.</summary>
    public CompositeFinisher(IBackgroundSource background, int width, int height, int maskWidth, int maskHeight, CompositeLook look)
        : this(background, width, height, maskWidth, maskHeight)
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
        _upsampler.Upsample(work.Mask, _alpha);
        if (_look is null) AlphaBlend.BlendRgb(work.Input, _plate, _alpha, work.Output);
        else _look.Blend(work.Input, _plate, _alpha, work.Mask, work.Output);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _upsampler.Dispose();
        _background.Dispose();
        _look?.Dispose();
    }
}
