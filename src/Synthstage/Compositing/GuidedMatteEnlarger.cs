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

    /// <summary>Prepares the filter for one mask size and one frame size.</summary>
    public GuidedMatteEnlarger(MatteOptions options, int maskWidth, int maskHeight, int frameWidth, int frameHeight)
    {
        _filter = new FastGuidedFilter(maskWidth, maskHeight, frameWidth, frameHeight, options.RefineRadius, options.RefineEpsilon,
            GridSubsample(maskWidth, maskHeight, frameWidth, frameHeight));
        _feather = new GaussianFeather(frameWidth, frameHeight, options.Feather);
        _plane = new float[frameWidth * frameHeight];
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
        // Only where the filter's output varies does the feather change anything.
        _feather.Apply(_plane, alpha, _filter.ChangingFrom, _filter.ChangingTo);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
