using Synthstage.Imaging;
using Synthstage.Video;

namespace Synthstage.Compositing;

/// <summary>Writes the matte itself as a grey RGB24 frame (white = subject), for formats without alpha.</summary>
public sealed class MaskFinisher : IFrameFinisher
{
    private readonly MaskUpsampler _upsampler;

    /// <summary>Creates the finisher for frames of width×height and masks of maskWidth×maskHeight.</summary>
    public MaskFinisher(int width, int height, int maskWidth, int maskHeight) =>
        _upsampler = new MaskUpsampler(maskWidth, maskHeight, width, height, repeat: 3);

    /// <inheritdoc/>
    public int OutputBytes => _upsampler.RowLength * _upsampler.FrameHeight;

    /// <inheritdoc/>
    public void Finish(FrameWork work) => _upsampler.Upsample(work.Mask, work.Output);

    /// <inheritdoc/>
    public void Dispose() => _upsampler.Dispose();
}
