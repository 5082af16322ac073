using System.Numerics;
using System.Numerics.Tensors;

namespace Synthstage.Pose;

/// <summary>
/// Follows one person through consecutive frames as MediaPipe's pose solution does: the detector finds the person
/// and the region of interest comes from its alignment keypoints; on later frames the region comes from the previous
/// frame's alignment landmarks (33: hip centre, 34: body scale), and the detector runs again when the pose flag
/// drops below <see cref="MinPoseFlag"/>. Feed frames in order; call <see cref="Reset"/> between unrelated images.
/// The reported landmarks are smoothed over time by One Euro filters (<see cref="PoseTrackerOptions.LandmarkSmoothing"/>,
/// on by default); with <see cref="PoseTrackerOptions.CropSmoothing"/> the alignment landmarks are smoothed too before
/// they place the next frame's crop, as MediaPipe does. A new detection restarts the filters.
/// </summary>
/// <remarks>When tracking is lost the detector runs on the same frame at once, so a frame is only empty when the
/// detector finds nobody either. Several people: <see cref="PersonChoice"/> picks whom to follow at (re)detection.</remarks>
public sealed class PoseTracker : IDisposable
{
    /// <summary>Pose flags below this mean the person is lost (MediaPipe's threshold).</summary>
    public const float MinPoseFlag = 0.5f;

    private const int MaxDetections = 8;
    private const int HipLandmark = 33;
    private const int ScaleLandmark = 34;
    // MediaPipe's VisibilitySmoothingCalculator: low-pass with this weight on the new value.
    private const double VisibilityAlpha = 0.1;

    private readonly PoseDetector _detector;
    private readonly PoseLandmarkModel _landmarkModel;
    private readonly bool _ownsModels;
    private readonly PoseDetection[] _detections = new PoseDetection[MaxDetections];
    private readonly PoseLandmark[] _landmarks = new PoseLandmark[PoseLandmark.Count];
    private readonly PoseLandmark[] _rawLandmarks = new PoseLandmark[PoseLandmark.Count];
    private readonly LandmarkSmoother _alignmentSmoother = new(2, OneEuroSettings.AuxiliaryLandmarks);
    private readonly LandmarkSmoother _landmarkSmoother = new(PoseLandmark.Count, OneEuroSettings.PoseLandmarks);
    private readonly LowPassFilter[] _visibility = CreateLowPassFilters(PoseLandmark.Count);
    private readonly Vector3[] _alignmentPoints = new Vector3[2];
    private readonly Vector3[] _points = new Vector3[PoseLandmark.Count];
    private readonly float[] _probabilities = new float[PoseLandmarkModel.InputSize * PoseLandmarkModel.InputSize];
    private PoseRegion? _next;
    private int _width;
    private int _height;

    /// <summary>Tracks with the given models; <paramref name="ownsModels"/> disposes them with the tracker.</summary>
    public PoseTracker(PoseDetector detector, PoseLandmarkModel landmarkModel, PersonChoice person = PersonChoice.Largest, bool ownsModels = true,
        PoseTrackerOptions? options = null)
    {
        _detector = detector;
        _landmarkModel = landmarkModel;
        _ownsModels = ownsModels;
        Person = person;
        Options = options ?? new PoseTrackerOptions();
        _landmarkModel.RefineFromHeatmap = Options.HeatmapRefinement;
    }

    /// <summary>Landmark smoothing and frame rate.</summary>
    public PoseTrackerOptions Options { get; }

    /// <summary>Whom to follow when the detector finds several people.</summary>
    public PersonChoice Person { get; }

    /// <summary>True when the last frame had a person.</summary>
    public bool Found { get; private set; }

    /// <summary>The last frame's pose flag (0 when nobody was found).</summary>
    public float Score { get; private set; }

    /// <summary>The region the landmark model saw in the last frame.</summary>
    public PoseRegion Region { get; private set; }

    /// <summary>How many times the detector ran so far.</summary>
    public int Detections { get; private set; }

    /// <summary>
    /// The last frame's 33 landmarks, normalised to the frame, smoothed over time when
    /// <see cref="PoseTrackerOptions.LandmarkSmoothing"/> is on; meaningful only when <see cref="Found"/>.
    /// </summary>
    public ReadOnlySpan<PoseLandmark> Landmarks => _landmarks;

    /// <summary>The last frame's 33 landmarks as the model gave them (never smoothed); meaningful only when <see cref="Found"/>.</summary>
    public ReadOnlySpan<PoseLandmark> RawLandmarks => _rawLandmarks;

    /// <summary>Forgets the tracked person; the next frame runs the detector.</summary>
    public void Reset()
    {
        _next = null;
        Found = false;
        Score = 0;
        ResetFilters();
    }

    /// <summary>Finds the person in the next frame and their landmarks.</summary>
    /// <returns><see cref="Found"/>.</returns>
    public bool Process(ReadOnlySpan<byte> frame, int width, int height, int channels)
    {
        if (width != _width || height != _height) Reset();
        (_width, _height) = (width, height);
        Found = false;
        Score = 0;
        var tracked = _next is not null;
        if (_next is not { } region && !TryDetect(frame, width, height, channels, out region))
            return SearchWithoutDetection && TrySearch(frame, width, height, channels, out region) && Accept(region, width, height);
        _landmarkModel.Run(frame, width, height, channels, region);
        if (_landmarkModel.PoseFlag < MinPoseFlag)
        {
            _next = null;
            // Tracking lost: look for the person again in this same frame.
            if (!tracked || !TryDetect(frame, width, height, channels, out region)) return false;
            _landmarkModel.Run(frame, width, height, channels, region);
            if (_landmarkModel.PoseFlag < MinPoseFlag) return false;
        }
        return Accept(region, width, height);
    }

    /// <summary>
    /// When the detector finds nobody and no person is followed, look for a body anyway with the landmark model on
    /// upright crops (<see cref="PoseSearchRegions"/>), as <see cref="MultiPersonTracker.Seed"/> does: the detector finds
    /// people by their face, and a torso over a table with the face out of shot (coffee.mp4) is never detected. Off by
    /// default, so renders keep their mattes and cost (up to four more landmark runs on each frame without anyone);
    /// the studio's single-frame overlay turns it on.
    /// </summary>
    public bool SearchWithoutDetection { get; set; }

    /// <summary>The upright crop in which the landmark model is surest of a person (its outputs on that crop are left in the model).</summary>
    private bool TrySearch(ReadOnlySpan<byte> frame, int width, int height, int channels, out PoseRegion region)
    {
        var (best, flag) = (-1, MinPoseFlag);
        var regions = PoseSearchRegions.For(width, height);
        for (var i = 0; i < regions.Length; i++)
        {
            _landmarkModel.Run(frame, width, height, channels, regions[i]);
            if (_landmarkModel.PoseFlag >= flag) (best, flag) = (i, _landmarkModel.PoseFlag);
        }
        region = best >= 0 ? regions[best] : default;
        if (best < 0) return false;
        // The model holds the last crop's outputs: run it again on the best one unless that was the last.
        if (best != regions.Length - 1) _landmarkModel.Run(frame, width, height, channels, region);
        return true;
    }

    /// <summary>Takes the landmark model's outputs on <paramref name="region"/> as this frame's person.</summary>
    private bool Accept(PoseRegion region, int width, int height)
    {
        Region = region;
        Score = _landmarkModel.PoseFlag;
        Found = true;
        Project(region, width, height);
        PublishLandmarks(width, height);
        _next = NextRegion(region);
        return true;
    }

    /// <summary>The next frame's crop from this frame's alignment landmarks (hip centre, scale point), smoothed when asked.</summary>
    private PoseRegion NextRegion(PoseRegion region)
    {
        var raw = _landmarkModel.Landmarks;
        var (hipX, hipY) = CropToFrame(region, raw, HipLandmark);
        var (scaleX, scaleY) = CropToFrame(region, raw, ScaleLandmark);
        if (Options.CropSmoothing)
        {
            // Object scale: the square around the alignment circle (side 2·|hip → scale point|), as MediaPipe measures it.
            var side = 2 * MathF.Sqrt((scaleX - hipX) * (scaleX - hipX) + (scaleY - hipY) * (scaleY - hipY));
            _alignmentPoints[0] = new Vector3(hipX, hipY, 0);
            _alignmentPoints[1] = new Vector3(scaleX, scaleY, 0);
            _alignmentSmoother.Apply(_alignmentPoints, side, Options.Frequency);
            (hipX, hipY, scaleX, scaleY) = (_alignmentPoints[0].X, _alignmentPoints[0].Y, _alignmentPoints[1].X, _alignmentPoints[1].Y);
        }
        return PoseRegion.FromAlignmentPoints(hipX, hipY, scaleX, scaleY);
    }

    /// <summary>Copies the raw landmarks to <see cref="Landmarks"/>, through the One Euro and visibility filters when asked.</summary>
    private void PublishLandmarks(int width, int height)
    {
        if (!Options.LandmarkSmoothing)
        {
            _rawLandmarks.CopyTo(_landmarks, 0);
            return;
        }
        // MediaPipe filters in pixels (z on the width's scale); object scale: the mean side of the landmarks' bounding box.
        float minX = float.MaxValue, minY = float.MaxValue, maxX = float.MinValue, maxY = float.MinValue;
        for (var i = 0; i < _points.Length; i++)
        {
            var l = _rawLandmarks[i];
            _points[i] = new Vector3(l.X * width, l.Y * height, l.Z * width);
            (minX, maxX) = (MathF.Min(minX, _points[i].X), MathF.Max(maxX, _points[i].X));
            (minY, maxY) = (MathF.Min(minY, _points[i].Y), MathF.Max(maxY, _points[i].Y));
        }
        _landmarkSmoother.Apply(_points, (maxX - minX + maxY - minY) / 2, Options.Frequency);
        for (var i = 0; i < _points.Length; i++)
        {
            var l = _rawLandmarks[i];
            var visibility = (float)_visibility[i].Apply(l.Visibility, VisibilityAlpha);
            _landmarks[i] = new PoseLandmark(_points[i].X / width, _points[i].Y / height, _points[i].Z / width, visibility, l.Presence);
        }
    }

    private void ResetFilters()
    {
        _alignmentSmoother.Reset();
        _landmarkSmoother.Reset();
        foreach (var filter in _visibility) filter.Reset();
    }

    private static LowPassFilter[] CreateLowPassFilters(int count)
    {
        var filters = new LowPassFilter[count];
        for (var i = 0; i < count; i++) filters[i] = new LowPassFilter();
        return filters;
    }

    /// <summary>
    /// Writes the last frame's person probability into a mask that covers the whole frame at
    /// <paramref name="maskWidth"/>×<paramref name="maskHeight"/> (pixel-centre aligned): the sigmoid of the model's
    /// segmentation, mapped back through the crop's rotation by bilinear sampling, zero outside the crop or when nobody
    /// was found.
    /// </summary>
    public void WriteMask(Span<float> mask, int maskWidth, int maskHeight)
    {
        mask = mask[..(maskWidth * maskHeight)];
        if (!Found)
        {
            mask.Clear();
            return;
        }
        TensorPrimitives.Sigmoid(_landmarkModel.Segmentation, _probabilities);
        CropMaskProjection.Write(_probabilities, Region, _width, _height, mask, maskWidth, maskHeight);
    }

    private bool TryDetect(ReadOnlySpan<byte> frame, int width, int height, int channels, out PoseRegion region)
    {
        Detections++;
        // A detection starts a new track: the person may be elsewhere, or someone else.
        ResetFilters();
        var count = _detector.Detect(frame, width, height, channels, _detections);
        region = default;
        if (count == 0) return false;
        var best = 0;
        for (var i = 1; i < count; i++)
            if (Person == PersonChoice.Largest ? _detections[i].BodyRadius(width, height) > _detections[best].BodyRadius(width, height) : _detections[i].Score > _detections[best].Score)
                best = i;
        var d = _detections[best];
        region = PoseRegion.FromAlignmentPoints(d.HipX * width, d.HipY * height, d.ScaleX * width, d.ScaleY * height);
        return true;
    }

    private void Project(PoseRegion region, int width, int height)
    {
        var raw = _landmarkModel.Landmarks;
        for (var i = 0; i < PoseLandmark.Count; i++)
        {
            var (x, y) = CropToFrame(region, raw, i);
            var r = i * PoseLandmarkModel.ValuesPerLandmark;
            _rawLandmarks[i] = new PoseLandmark(x / width, y / height, raw[r + 2] / PoseLandmarkModel.InputSize * region.Size / width,
                Sigmoid(raw[r + 3]), Sigmoid(raw[r + 4]));
        }
    }

    private static (float X, float Y) CropToFrame(PoseRegion region, float[] raw, int landmark)
    {
        var r = landmark * PoseLandmarkModel.ValuesPerLandmark;
        return region.ToFrame(raw[r] / PoseLandmarkModel.InputSize, raw[r + 1] / PoseLandmarkModel.InputSize);
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));

    /// <summary>Releases the models when the tracker owns them.</summary>
    public void Dispose()
    {
        if (!_ownsModels) return;
        _detector.Dispose();
        _landmarkModel.Dispose();
    }
}
