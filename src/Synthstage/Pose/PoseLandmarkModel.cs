using Microsoft.ML.OnnxRuntime;
using Synthstage.Onnx;

namespace Synthstage.Pose;

/// <summary>
/// One of BlazePose GHUM's landmark models (lite, full, heavy; imported from <c>pose_landmark_*.tflite</c>) run on
/// a rotated square crop of the frame resampled to 256×256 RGB in 0..1. Outputs are bound by shape, since their
/// names differ between the variants: 195 values (39 landmarks × x, y, z, visibility, presence, in crop pixels and
/// logits), the pose flag (a probability), the 256×256 segmentation (logits) and, when the graph has it, the 64×64
/// heatmap that <see cref="HeatmapLandmarkRefiner"/> sharpens the landmarks with. The session and all buffers are made once.
/// </summary>
public sealed class PoseLandmarkModel : IDisposable
{
    /// <summary>Input side in pixels.</summary>
    public const int InputSize = 256;

    /// <summary>Landmarks the model outputs: 33 body landmarks, then 2 alignment points (hip centre, body scale) and 4 more.</summary>
    public const int RawLandmarks = 39;

    /// <summary>Values per raw landmark: x, y, z, visibility logit, presence logit.</summary>
    public const int ValuesPerLandmark = 5;

    /// <summary>Heatmap side in cells.</summary>
    public const int HeatmapSize = 64;

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input = new float[InputSize * InputSize * 3];
    private readonly float[] _flag = new float[1];
    private readonly float[]? _heatmap;
    private readonly OrtValue[] _inputValues;
    private readonly OrtValue[] _outputValues;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    private PoseLandmarkModel(InferenceSession session, string name)
    {
        _session = session;
        var (inputName, inputMeta) = session.InputMetadata.Single();
        if (!inputMeta.Dimensions.SequenceEqual([1, InputSize, InputSize, 3]))
            throw new SynthstageException($"'{name}' is not a BlazePose landmark model: input [{string.Join(',', inputMeta.Dimensions)}], expected [1,256,256,3]", ExitCodes.BadModel);
        string Find(int[] dims, string what) => session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.SequenceEqual(dims)).Key
            ?? throw new SynthstageException($"'{name}' is not a BlazePose landmark model: no {what} output [{string.Join(',', dims)}]", ExitCodes.BadModel);
        _outputNames = [Find([1, RawLandmarks * ValuesPerLandmark], "landmark"), Find([1, 1], "pose flag"), Find([1, InputSize, InputSize, 1], "segmentation")];
        _inputValues = [OrtValue.CreateTensorValueFromMemory(_input, [1, InputSize, InputSize, 3])];
        _outputValues =
        [
            OrtValue.CreateTensorValueFromMemory(Landmarks, [1, Landmarks.Length]),
            OrtValue.CreateTensorValueFromMemory(_flag, [1, 1]),
            OrtValue.CreateTensorValueFromMemory(Segmentation, [1, InputSize, InputSize, 1]),
        ];
        int[] heatmapDims = [1, HeatmapSize, HeatmapSize, RawLandmarks];
        var heatmapName = session.OutputMetadata.FirstOrDefault(o => o.Value.Dimensions.SequenceEqual(heatmapDims)).Key;
        if (heatmapName is not null)
        {
            _heatmap = new float[HeatmapSize * HeatmapSize * RawLandmarks];
            _outputNames = [.. _outputNames, heatmapName];
            _outputValues = [.. _outputValues, OrtValue.CreateTensorValueFromMemory(_heatmap, [1, HeatmapSize, HeatmapSize, RawLandmarks])];
        }
        _inputNames = [inputName];
    }

    /// <summary>Raw landmarks of the last run: 39 × (x, y, z in crop pixels; visibility and presence logits).</summary>
    public float[] Landmarks { get; } = new float[RawLandmarks * ValuesPerLandmark];

    /// <summary>Segmentation logits of the last run, 256×256 over the crop.</summary>
    public float[] Segmentation { get; } = new float[InputSize * InputSize];

    /// <summary>The last run's input: the crop as 256×256 RGB in 0..1 (NHWC).</summary>
    public ReadOnlySpan<float> Input => _input;

    /// <summary>True when the graph outputs the landmark heatmap.</summary>
    public bool HasHeatmap => _heatmap is not null;

    /// <summary>
    /// Move the 33 body landmarks to their heatmap peaks after each run, as MediaPipe does; the alignment points that
    /// place the next crop keep the regressed values (on by default; no effect without <see cref="HasHeatmap"/>).
    /// </summary>
    public bool RefineFromHeatmap { get; set; } = true;

    /// <summary>The last run's probability that a person is in the crop.</summary>
    public float PoseFlag => _flag[0];

    /// <summary>Loads the converted landmark model at <paramref name="modelPath"/>.</summary>
    /// <exception cref="SynthstageException">Missing, corrupt, or not a BlazePose landmark model (BadModel).</exception>
    public static PoseLandmarkModel Create(string modelPath, SessionOptionsSpec? spec = null)
    {
        var session = OnnxSessionFactory.Create(modelPath, spec ?? new SessionOptionsSpec());
        try
        {
            return new PoseLandmarkModel(session, Path.GetFileName(modelPath));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the model on <paramref name="region"/> of the frame; read the results from the properties.</summary>
    public void Run(ReadOnlySpan<byte> frame, int width, int height, int channels, PoseRegion region)
    {
        // Crop pixel centre (j + 0.5)/256 → frame continuous coordinates → frame pixel index (−0.5).
        var (cos, sin) = (MathF.Cos(region.Rotation), MathF.Sin(region.Rotation));
        var step = region.Size / InputSize;
        var (x0, y0) = region.ToFrame(0.5f / InputSize, 0.5f / InputSize);
        AffineFrameSampler.Sample(frame, width, height, channels, _input, InputSize, InputSize,
            (x0 - 0.5f, y0 - 0.5f), (cos * step, sin * step), (-sin * step, cos * step), 1f / 255f, 0f, outsideFill: null);
        _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);
        // The 33 body landmarks only: MediaPipe refines the alignment points too, but on juggle.mp4 and the synthetic
        // set that made the next crop, and with it the matte, less steady (flicker on pattern.mkv 0.029 → 0.052).
        if (RefineFromHeatmap && _heatmap is not null)
            HeatmapLandmarkRefiner.Refine(Landmarks.AsSpan(0, PoseLandmark.Count * ValuesPerLandmark), ValuesPerLandmark, InputSize, _heatmap, HeatmapSize);
    }

    /// <summary>Releases the session and its tensors.</summary>
    public void Dispose()
    {
        foreach (var value in _inputValues.Concat(_outputValues)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
