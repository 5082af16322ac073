using System.Numerics.Tensors;
using Synthstage.Imaging;

namespace Synthstage.Compositing;

/// <summary>
/// Enlarges the matte with a <see cref="FastGuidedFilter"/> guided by the full-resolution frame, then feathers it
/// with <see cref="GaussianFeather"/> at full resolution. Threshold and softness were applied before (at mask
/// resolution), so the filter has the last word at the edge: where the frame shows a clear boundary the matte snaps
/// to it, where the frame is ambiguous (hair, motion blur) the transition stays soft.
/// </summary>
public sealed class GuidedMatteEnlarger : IMatteEnlarger
{
    private readonly FastGuidedFilter _filter;
    private readonly GaussianFeather _feather;
    private readonly float[] _plane;
    private readonly int _frameWidth;
    private readonly float _clipBlack;
    private readonly float _clipScale;

    /// <summary>Prepares the filter for one mask size and one frame size.</summary>
    public GuidedMatteEnlarger(MatteOptions options, int maskWidth, int maskHeight, int frameWidth, int frameHeight)
    {
        _filter = new FastGuidedFilter(maskWidth, maskHeight, frameWidth, frameHeight, options.RefineRadius, options.RefineEpsilon,
            GridSubsample(maskWidth, maskHeight, frameWidth, frameHeight));
        _feather = new GaussianFeather(frameWidth, frameHeight, options.Feather);
        _plane = new float[frameWidth * frameHeight];
        _frameWidth = frameWidth;
        _clipBlack = options.ClipBlack;
        _clipScale = 1f / (options.ClipWhite - options.ClipBlack);
    }

    /// <summary>
    /// The fast guided filter's grid reduction: about the mask's own scale (the mask holds no finer detail), 2..8.
    /// </summary>
    public static int GridSubsample(int maskWidth, int maskHeight, int frameWidth, int frameHeight) =>
        Math.Clamp((int)Math.Round(Math.Sqrt((double)frameWidth * frameHeight / ((double)maskWidth * maskHeight))), 2, 8);

    /// <inheritdoc/>
    public void Enlarge(ReadOnlySpan<byte> frame, ReadOnlySpan<float> mask, Span<byte> alpha)
    {
        _filter.Filter(frame, mask, _plane);
        ClipLevels();
        // Only where the filter's output varies does the feather change anything.
        _feather.Apply(_plane, alpha, _filter.ChangingFrom, _filter.ChangingTo);
    }

    // Outside the changing span of a row the output is 0 or 1 already, which the stretch keeps.
    private void ClipLevels()
    {
        if (_clipBlack == 0 && _clipScale == 1) return;
        var width = _frameWidth;
        var from = _filter.ChangingFrom;
        var to = _filter.ChangingTo;
        for (var y = 0; y < from.Length; y++)
        {
            if (to[y] <= from[y]) continue;
            var part = _plane.AsSpan(y * width + from[y], to[y] - from[y]);
            TensorPrimitives.Subtract(part, _clipBlack, part);
            TensorPrimitives.Multiply(part, _clipScale, part);
            TensorPrimitives.Clamp(part, 0f, 1f, part);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
