using Synthstage.Pipeline;

namespace Synthstage.Compositing;

/// <summary>Writes the frame with the matte as its alpha channel (RGBA32), for formats that carry alpha.</summary>
public sealed class AlphaFinisher : IFrameFinisher
{
    private readonly IMatteEnlarger _matte;
    private readonly byte[] _alpha;
    private readonly int _pixels;

    /// <summary>Creates the finisher for frames of width×height; <paramref name="matte"/> enlarges the matte and stays the caller's.</summary>
    public AlphaFinisher(int width, int height, IMatteEnlarger matte)
    {
        _pixels = width * height;
        _matte = matte;
        _alpha = new byte[_pixels];
    }

    /// <inheritdoc/>
    public int OutputBytes => _pixels * 4;

    /// <inheritdoc/>
    public void Finish(FrameWork work)
    {
        _matte.Enlarge(work.Input, work.Mask, _alpha);
        var rgb = work.Input.AsSpan(0, _pixels * 3);
        var rgba = work.Output.AsSpan(0, _pixels * 4);
        for (int p = 0, i = 0, o = 0; p < _pixels; p++, i += 3, o += 4)
        {
            rgba[o] = rgb[i];
            rgba[o + 1] = rgb[i + 1];
            rgba[o + 2] = rgb[i + 2];
            rgba[o + 3] = _alpha[p];
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
