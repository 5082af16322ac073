namespace Synthstage.Compositing;

/// <summary>
/// Applies a <see cref="CompositeLook"/> while blending one frame: harmonise the subject's colours (in place, inside the
/// matte), blend over the plate in linear light, then wrap the blurred plate's light around the subject's edge.
/// </summary>
public sealed class CompositeLookProcessor : IDisposable
{
    private readonly ColorHarmonizer? _harmonizer;
    private readonly LightWrap? _lightWrap;
    private readonly BlurredFrameBackground? _blur;
    private readonly byte[]? _blurredPlate;
    private readonly LinearLightBlend _blend;

    /// <summary>Prepares buffers for frames of width×height and masks of maskWidth×maskHeight.</summary>
    /// <exception cref="SynthstageException">A strength is outside 0..1.</exception>
    public CompositeLookProcessor(CompositeLook look, int width, int height, int maskWidth, int maskHeight)
    {
        ArgumentNullException.ThrowIfNull(look);
        look.Validate();
        _blend = new LinearLightBlend(width);
        if (look.Harmonize > 0) _harmonizer = new ColorHarmonizer(width, height, look.Harmonize);
        if (look.LightWrap > 0)
        {
            _lightWrap = new LightWrap(width, height, maskWidth, maskHeight, look.LightWrap);
            _blur = new BlurredFrameBackground(width, height);
            _blurredPlate = new byte[width * height * 3];
        }
    }

    /// <summary>Measures a new background plate: its colour statistics and its blurred copy. Call before <see cref="Blend"/> whenever the plate changes.</summary>
    public void MeasurePlate(ReadOnlySpan<byte> plate)
    {
        _harmonizer?.MeasureBackground(plate);
        _blur?.Render(plate, _blurredPlate);
    }

    /// <summary>Composites <paramref name="frame"/> over <paramref name="plate"/> into <paramref name="destination"/> (which may be the frame).</summary>
    /// <param name="frame">RGB24 frame; harmonisation changes its subject pixels in place.</param>
    /// <param name="plate">RGB24 background plate.</param>
    /// <param name="alpha">Full-resolution matte.</param>
    /// <param name="mask">The shaped low-resolution matte the alpha was enlarged from.</param>
    /// <param name="destination">RGB24 output.</param>
    public void Blend(Span<byte> frame, ReadOnlySpan<byte> plate, ReadOnlySpan<byte> alpha, ReadOnlySpan<float> mask, Span<byte> destination)
    {
        _harmonizer?.Apply(frame, alpha);
        _blend.BlendRgb(frame, plate, alpha, destination);
        _lightWrap?.Apply(destination, _blurredPlate, alpha, mask);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _lightWrap?.Dispose();
        _blur?.Dispose();
    }
}
