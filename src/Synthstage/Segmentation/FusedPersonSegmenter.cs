using Synthstage.Imaging;
using Synthstage.Pose;

namespace Synthstage.Segmentation;

/// <summary>
/// The union of two person models that fail in opposite places: MediaPipe's general selfie model (keys a large
/// person whole, face in shot or not, but loses thin limbs of a small, full-body person) and BlazePose GHUM's
/// segmentation (keeps arms, hands and legs of a tracked body, but finds nobody when no face is in shot). Each mask
/// pixel takes the larger probability; BlazePose only contributes inside the rotated crop around the body it tracks,
/// so it cannot add anything away from that person. The mask has the frame's aspect (<see cref="PoseSegmenter.MaskLongSide"/>
/// on the long side); the square selfie mask is resampled onto it with pixel-centre bilinear taps. While BlazePose tracks
/// nobody (a person whose face is out of shot), its detector runs only every <see cref="SearchInterval"/>th frame: a
/// failing search costs as much as a tracked frame, and the selfie model keys such a person alone meanwhile.
/// </summary>
public sealed class FusedPersonSegmenter : IPersonSegmenter
{
    private readonly IPersonSegmenter _selfie;
    private readonly PoseSegmenter _pose;
    private readonly float[] _selfieMask;
    private readonly float[] _poseMask;
    private readonly PixelCentreSampling _columns;
    private readonly PixelCentreSampling _rows;
    private int _framesUntilSearch;

    /// <summary>While no body is tracked, BlazePose looks for one on every this many frames.</summary>
    public const int SearchInterval = 6;

    /// <summary>Fuses <paramref name="selfie"/> and <paramref name="pose"/> (both owned: disposed with this segmenter).</summary>
    public FusedPersonSegmenter(IPersonSegmenter selfie, PoseSegmenter pose)
    {
        ArgumentNullException.ThrowIfNull(selfie);
        ArgumentNullException.ThrowIfNull(pose);
        _selfie = selfie;
        _pose = pose;
        _selfieMask = new float[selfie.MaskWidth * selfie.MaskHeight];
        _poseMask = new float[pose.MaskWidth * pose.MaskHeight];
        _columns = new PixelCentreSampling(selfie.MaskWidth, pose.MaskWidth);
        _rows = new PixelCentreSampling(selfie.MaskHeight, pose.MaskHeight);
    }

    /// <summary>The BlazePose half (its tracker holds the frame's landmarks).</summary>
    public PoseSegmenter Pose => _pose;

    /// <inheritdoc/>
    public int MaskWidth => _pose.MaskWidth;

    /// <inheritdoc/>
    public int MaskHeight => _pose.MaskHeight;

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        _selfie.Segment(frame, width, height, channels, _selfieMask);
        if (_pose.Tracker.Found || _framesUntilSearch == 0)
        {
            _pose.Segment(frame, width, height, channels, _poseMask);
            _framesUntilSearch = _pose.Tracker.Found ? 0 : SearchInterval - 1;
        }
        else
        {
            _framesUntilSearch--;
            _poseMask.AsSpan().Clear();
        }
        var sw = _selfie.MaskWidth;
        var (x0, x1, wx) = (_columns.Index0, _columns.Index1, _columns.Weight1);
        for (var y = 0; y < MaskHeight; y++)
        {
            var top = _selfieMask.AsSpan(_rows.Index0[y] * sw, sw);
            var bottom = _selfieMask.AsSpan(_rows.Index1[y] * sw, sw);
            var wy = _rows.Weight1[y];
            var pose = _poseMask.AsSpan(y * MaskWidth, MaskWidth);
            var row = mask.Slice(y * MaskWidth, MaskWidth);
            for (var x = 0; x < row.Length; x++)
            {
                var upper = top[x0[x]] + (top[x1[x]] - top[x0[x]]) * wx[x];
                var lower = bottom[x0[x]] + (bottom[x1[x]] - bottom[x0[x]]) * wx[x];
                row[x] = MathF.Max(upper + (lower - upper) * wy, pose[x]);
            }
        }
    }

    /// <summary>Forgets the tracked person (the selfie model keeps no state).</summary>
    public void Reset()
    {
        _selfie.Reset();
        _pose.Reset();
        _framesUntilSearch = 0;
    }

    /// <summary>Releases both models.</summary>
    public void Dispose()
    {
        _selfie.Dispose();
        _pose.Dispose();
    }
}
