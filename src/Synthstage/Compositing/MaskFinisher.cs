using Synthstage.Pipeline;
using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>Writes the matte itself as a grey RGB24 frame (white = subject), for formats without alpha.</summary>
public sealed class MaskFinisher : IFrameFinisher
{
    private readonly IMatteEnlarger _matte;
    private readonly byte[] _alpha;

    /// <summary>Creates the finisher for frames of width×height; <paramref name="matte"/> enlarges the matte and stays the caller's.</summary>
    public MaskFinisher(int width, int height, IMatteEnlarger matte)
    {
        _matte = matte;
        _alpha = new byte[width * height];
    }

    /// <inheritdoc/>
    public int OutputBytes => _alpha.Length * 3;

    /// <inheritdoc/>
    public void Finish(FrameWork work)
    {
        _matte.Enlarge(work.Input, work.Mask, _alpha);
        PlaneExpand.ToGreyRgb(_alpha, work.Output);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
