using System.Numerics.Tensors;

namespace Synthstage.Pose;

/// <summary>
/// Follows one person through consecutive frames as MediaPipe's pose solution does: the detector finds the person
/// and the region of interest comes from its alignment keypoints; on later frames the region comes from the previous
/// frame's alignment landmarks (33: hip centre, 34: body scale), and the detector runs again when the pose flag
/// drops below <see cref="MinPoseFlag"/>. Feed frames in order; call <see cref="Reset"/> between unrelated images.
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

    private readonly PoseDetector _detector;
    private readonly PoseLandmarkModel _landmarkModel;
    private readonly bool _ownsModels;
    private readonly PoseDetection[] _detections = new PoseDetection[MaxDetections];
    private readonly PoseLandmark[] _landmarks = new PoseLandmark[PoseLandmark.Count];
    private readonly float[] _probabilities = new float[PoseLandmarkModel.InputSize * PoseLandmarkModel.InputSize];
    private PoseRegion? _next;
    private int _width;
    private int _height;

    /// <summary>Tracks with the given models; <paramref name="ownsModels"/> disposes them with the tracker.</summary>
    public PoseTracker(PoseDetector detector, PoseLandmarkModel landmarkModel, PersonChoice person = PersonChoice.Largest, bool ownsModels = true)
    {
        _detector = detector;
        _landmarkModel = landmarkModel;
        _ownsModels = ownsModels;
        Person = person;
    }

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

    /// <summary>The last frame's 33 landmarks, normalised to the frame; meaningful only when <see cref="Found"/>.</summary>
    public ReadOnlySpan<PoseLandmark> Landmarks => _landmarks;

    /// <summary>Forgets the tracked person; the next frame runs the detector.</summary>
    public void Reset()
    {
        _next = null;
        Found = false;
        Score = 0;
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
            return false;
        _landmarkModel.Run(frame, width, height, channels, region);
        if (_landmarkModel.PoseFlag < MinPoseFlag)
        {
            _next = null;
            // Tracking lost: look for the person again in this same frame.
            if (!tracked || !TryDetect(frame, width, height, channels, out region)) return false;
            _landmarkModel.Run(frame, width, height, channels, region);
            if (_landmarkModel.PoseFlag < MinPoseFlag) return false;
        }
        Region = region;
        Score = _landmarkModel.PoseFlag;
        Found = true;
        Project(region, width, height);
        var raw = _landmarkModel.Landmarks;
        var (hipX, hipY) = CropToFrame(region, raw, HipLandmark);
        var (scaleX, scaleY) = CropToFrame(region, raw, ScaleLandmark);
        _next = PoseRegion.FromAlignmentPoints(hipX, hipY, scaleX, scaleY);
        return true;
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
        const int n = PoseLandmarkModel.InputSize;
        TensorPrimitives.Sigmoid(_landmarkModel.Segmentation, _probabilities);
        var region = Region;
        var (cos, sin) = (MathF.Cos(region.Rotation), MathF.Sin(region.Rotation));
        var (sx, sy) = ((float)_width / maskWidth, (float)_height / maskHeight);
        var k = n / region.Size;
        // Crop pixel-index coordinates of a frame point p: R(−rotation)·(p − centre)·n/size + n/2 − 0.5, affine in the mask pixel.
        var (uX, vX) = (cos * sx * k, -sin * sx * k);
        for (var my = 0; my < maskHeight; my++)
        {
            var (dx, dy) = (0.5f * sx - region.CentreX, (my + 0.5f) * sy - region.CentreY);
            var u = (cos * dx + sin * dy) * k + n / 2f - 0.5f;
            var v = (-sin * dx + cos * dy) * k + n / 2f - 0.5f;
            var row = mask.Slice(my * maskWidth, maskWidth);
            for (var mx = 0; mx < maskWidth; mx++, u += uX, v += vX)
                row[mx] = SampleZeroOutside(_probabilities, n, u, v);
        }
    }

    private static float SampleZeroOutside(float[] image, int n, float u, float v)
    {
        if (u <= -1 || v <= -1 || u >= n || v >= n) return 0;
        var x0 = (int)MathF.Floor(u);
        var y0 = (int)MathF.Floor(v);
        var (wx, wy) = (u - x0, v - y0);
        float At(int x, int y) => (uint)x < (uint)n && (uint)y < (uint)n ? image[y * n + x] : 0f;
        var top = At(x0, y0) + (At(x0 + 1, y0) - At(x0, y0)) * wx;
        var bottom = At(x0, y0 + 1) + (At(x0 + 1, y0 + 1) - At(x0, y0 + 1)) * wx;
        return top + (bottom - top) * wy;
    }

    private bool TryDetect(ReadOnlySpan<byte> frame, int width, int height, int channels, out PoseRegion region)
    {
        Detections++;
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
            _landmarks[i] = new PoseLandmark(x / width, y / height, raw[r + 2] / PoseLandmarkModel.InputSize * region.Size / width,
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
