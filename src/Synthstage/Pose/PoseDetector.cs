using Microsoft.ML.OnnxRuntime;
using Synthstage.Onnx;

namespace Synthstage.Pose;

/// <summary>
/// MediaPipe's BlazePose person detector (imported from <c>pose_detection.tflite</c>): letterboxes the frame into the
/// 224×224 input in −1..1, decodes the 2254 SSD anchors' boxes and keypoints (scale 224), keeps sigmoid scores
/// (logits clipped to ±100) of at least <see cref="MinScore"/>, merges overlapping boxes by weighted non-maximum
/// suppression (IoU &gt; 0.3) and maps the result back out of the letterbox. The session and all buffers are made once.
/// </summary>
public sealed class PoseDetector : IDisposable
{
    /// <summary>Minimum detection score (MediaPipe's <c>min_score_thresh</c>).</summary>
    public const float MinScore = 0.5f;

    /// <summary>Boxes overlapping a better one by more than this IoU are merged into it.</summary>
    public const float SuppressionThreshold = 0.3f;

    private const int Size = PoseAnchors.InputSize;
    private const int Values = 12; // box (x, y, w, h) then 4 keypoints (x, y)
    private const float ScoreClip = 100f;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input = new float[Size * Size * 3];
    private readonly float[] _boxes = new float[PoseAnchors.Count * Values];
    private readonly float[] _scores = new float[PoseAnchors.Count];
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly float[] _anchors = PoseAnchors.Centres();
    private readonly int[] _order = new int[PoseAnchors.Count];
    private readonly float[] _orderScores = new float[PoseAnchors.Count];
    private readonly bool[] _taken = new bool[PoseAnchors.Count];

    private PoseDetector(InferenceSession session, string name)
    {
        _session = session;
        var (inputName, inputMeta) = session.InputMetadata.Single();
        if (!inputMeta.Dimensions.SequenceEqual([1, Size, Size, 3]))
            throw new SynthstageException($"'{name}' is not the pose detector: input [{string.Join(',', inputMeta.Dimensions)}], expected [1,224,224,3]", ExitCodes.BadModel);
        var boxes = session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.SequenceEqual([1, PoseAnchors.Count, Values])).Key;
        var scores = session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.SequenceEqual([1, PoseAnchors.Count, 1])).Key;
        if (boxes is null || scores is null)
            throw new SynthstageException($"'{name}' is not the pose detector: expected outputs [1,2254,12] and [1,2254,1]", ExitCodes.BadModel);
        _inputValues = [OrtValue.CreateTensorValueFromMemory(_input, [1, Size, Size, 3])];
        _outputValues =
        [
            OrtValue.CreateTensorValueFromMemory(_boxes, [1, PoseAnchors.Count, Values]),
            OrtValue.CreateTensorValueFromMemory(_scores, [1, PoseAnchors.Count, 1]),
        ];
        _inputNames = [inputName];
        _outputNames = [boxes, scores];
    }

    /// <summary>Loads the converted detector at <paramref name="modelPath"/>.</summary>
    /// <exception cref="SynthstageException">Missing, corrupt, or not the pose detector (BadModel).</exception>
    public static PoseDetector Create(string modelPath, SessionOptionsSpec? spec = null)
    {
        var session = OnnxSessionFactory.Create(modelPath, spec ?? new SessionOptionsSpec());
        try
        {
            return new PoseDetector(session, Path.GetFileName(modelPath));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Finds people in one frame, best first.</summary>
    /// <param name="frame">Packed 8-bit RGB or RGBA rows.</param>
    /// <param name="width">Frame width.</param>
    /// <param name="height">Frame height.</param>
    /// <param name="channels">3 or 4.</param>
    /// <param name="results">Receives up to its length detections, highest score first.</param>
    /// <returns>The number of detections written.</returns>
    public int Detect(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<PoseDetection> results)
    {
        // Letterbox: the frame scaled to fit 224×224, centred, black (−1) around it.
        var scale = (float)Size / Math.Max(width, height);
        var (padX, padY) = ((Size - width * scale) / 2, (Size - height * scale) / 2);
        var step = 1 / scale;
        AffineFrameSampler.Sample(frame, width, height, channels, _input, Size, Size,
            ((0.5f - padX) * step - 0.5f, (0.5f - padY) * step - 0.5f), (step, 0), (0, step), 2f / 255f, -1f, -1f);
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

        var candidates = 0;
        for (var i = 0; i < PoseAnchors.Count; i++)
        {
            var score = 1 / (1 + MathF.Exp(-Math.Clamp(_scores[i], -ScoreClip, ScoreClip)));
            if (score < MinScore) continue;
            _order[candidates] = i;
            _orderScores[candidates++] = -score;
        }
        _orderScores.AsSpan(0, candidates).Sort(_order.AsSpan(0, candidates));
        _taken.AsSpan().Clear();
        var (unpadX, unpadY) = (padX / Size, padY / Size);
        var (spanX, spanY) = (1 - 2 * unpadX, 1 - 2 * unpadY);
        var count = 0;
        for (var c = 0; c < candidates && count < results.Length; c++)
        {
            var best = _order[c];
            if (_taken[best]) continue;
            var top = Decode(best);
            // Weighted NMS: average every remaining box that overlaps the best one, weighted by score.
            float sum = 0, xMin = 0, yMin = 0, xMax = 0, yMax = 0, hipX = 0, hipY = 0, scaleX = 0, scaleY = 0;
            for (var o = c; o < candidates; o++)
            {
                var index = _order[o];
                if (_taken[index]) continue;
                var box = index == best ? top : Decode(index);
                if (IntersectionOverUnion(top, box) <= SuppressionThreshold) continue;
                _taken[index] = true;
                var weight = -_orderScores[o];
                sum += weight;
                xMin += weight * box.XMin; yMin += weight * box.YMin; xMax += weight * box.XMax; yMax += weight * box.YMax;
                hipX += weight * box.HipX; hipY += weight * box.HipY; scaleX += weight * box.ScaleX; scaleY += weight * box.ScaleY;
            }
            float X(float v) => (v / sum - unpadX) / spanX;
            float Y(float v) => (v / sum - unpadY) / spanY;
            results[count++] = new PoseDetection(-_orderScores[c], X(xMin), Y(yMin), X(xMax) - X(xMin), Y(yMax) - Y(yMin),
                X(hipX), Y(hipY), X(scaleX), Y(scaleY));
        }
        return count;
    }

    private readonly record struct Box(float XMin, float YMin, float XMax, float YMax, float HipX, float HipY, float ScaleX, float ScaleY);

    /// <summary>Anchor <paramref name="i"/>'s box and first two keypoints, normalised to the 224×224 input.</summary>
    private Box Decode(int i)
    {
        var raw = _boxes.AsSpan(i * Values, Values);
        var (ax, ay) = (_anchors[2 * i], _anchors[2 * i + 1]);
        var (cx, cy) = (raw[0] / Size + ax, raw[1] / Size + ay);
        var (w, h) = (raw[2] / Size, raw[3] / Size);
        return new Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, raw[4] / Size + ax, raw[5] / Size + ay, raw[6] / Size + ax, raw[7] / Size + ay);
    }

    private static float IntersectionOverUnion(in Box a, in Box b)
    {
        var w = Math.Min(a.XMax, b.XMax) - Math.Max(a.XMin, b.XMin);
        var h = Math.Min(a.YMax, b.YMax) - Math.Max(a.YMin, b.YMin);
        if (w <= 0 || h <= 0) return 0;
        var intersection = w * h;
        var union = (a.XMax - a.XMin) * (a.YMax - a.YMin) + (b.XMax - b.XMin) * (b.YMax - b.YMin) - intersection;
        return union > 0 ? intersection / union : 0;
    }

    /// <summary>Releases the session and its tensors.</summary>
    public void Dispose()
    {
        foreach (var value in _inputValues.Concat(_outputValues)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
