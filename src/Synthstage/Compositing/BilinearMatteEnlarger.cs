using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>Enlarges the matte with pixel-centre bilinear sampling (MediaPipe's own upsampling); ignores the frame.</summary>
public sealed class BilinearMatteEnlarger : IMatteEnlarger
{
    private readonly MaskUpsampler _upsampler;

    /// <summary>Prepares tables for one mask size and one frame size.</summary>
    public BilinearMatteEnlarger(int maskWidth, int maskHeight, int frameWidth, int frameHeight) =>
        _upsampler = new MaskUpsampler(maskWidth, maskHeight, frameWidth, frameHeight);

    /// <inheritdoc/>
    public void Enlarge(ReadOnlySpan<byte> frame, ReadOnlySpan<float> mask, Span<byte> alpha) => _upsampler.Upsample(mask, alpha);

    /// <inheritdoc/>
    public void Dispose() => _upsampler.Dispose();
}
