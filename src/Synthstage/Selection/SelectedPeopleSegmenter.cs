using Synthstage.Pose;
using Synthstage.Segmentation;

namespace Synthstage.Selection;

/// <summary>
/// The matte of a pose model when subjects are selected: the kept people's own segmentations from the
/// <see cref="SubjectSelector"/>'s tracker (which has already seen the frame), at the pose models' mask size.
/// </summary>
internal sealed class SelectedPeopleSegmenter : IPersonSegmenter
{
    private readonly SubjectSelector _selector;

    public SelectedPeopleSegmenter(SubjectSelector selector, int frameWidth, int frameHeight)
    {
        _selector = selector;
        var scale = (double)PoseSegmenter.MaskLongSide / Math.Max(frameWidth, frameHeight);
        MaskWidth = Math.Max(1, (int)Math.Round(frameWidth * scale));
        MaskHeight = Math.Max(1, (int)Math.Round(frameHeight * scale));
    }

    public int MaskWidth { get; }

    public int MaskHeight { get; }

    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask) =>
        _selector.WriteSelected(mask, MaskWidth, MaskHeight);

    // The selector owns the tracker and is reset and disposed by its owner.
    public void Dispose()
    {
    }
}
