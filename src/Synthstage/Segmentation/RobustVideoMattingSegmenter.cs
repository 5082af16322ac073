using Microsoft.ML.OnnxRuntime;
using Synthstage.Imaging;

namespace Synthstage.Segmentation;

/// <summary>
/// Runs a Robust Video Matting ONNX export (Lin et al. 2021; <b>GPL-3.0</b>): inputs <c>src</c> [1,3,H,W] RGB 0..1,
/// recurrent states <c>r1i..r4i</c> and <c>downsample_ratio</c> [1]; outputs <c>fgr</c>, <c>pha</c> [1,1,H,W] and
/// <c>r1o..r4o</c>, which are fed back as the next frame's states. The states start as zeros [1,1,1,1]; after the
/// first frame they live in two preallocated sets that swap roles every frame, so steady-state frames allocate nothing.
/// </summary>
/// <remarks>The frame goes in at full resolution (or the graph's fixed size); the model downsamples internally by <see cref="DownsampleRatio"/>.</remarks>
public sealed class RobustVideoMattingSegmenter : IPersonSegmenter
{
    private static readonly string[] StateInputs = ["r1i", "r2i", "r3i", "r4i"];
    private static readonly string[] StateOutputs = ["r1o", "r2o", "r3o", "r4o"];
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _src;
    private readonly float[] _pha;
    private readonly OrtValue _srcValue, _phaValue, _ratioValue;
    private readonly OrtValue[] _zeroStates;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private OrtValue[]? _statesIn, _statesOut;
    private bool _stateValid;
    private ModelInputResizer? _resizer;

    private RobustVideoMattingSegmenter(InferenceSession session, string displayName, int frameWidth, int frameHeight)
    {
        _session = session;
        var src = session.InputMetadata["src"];
        if (src.ElementType != typeof(float))
            throw new SynthstageException($"'{displayName}' is a Robust Video Matting export with {MattingModelSignature.Describe(session.InputMetadata)} inputs; only fp32 exports are supported (use rvm_mobilenetv3_fp32.onnx)", ExitCodes.BadModel);
        var d = src.Dimensions;
        (MaskWidth, MaskHeight) = d.Length == 4 && d[2] > 0 && d[3] > 0 ? (d[3], d[2]) : (frameWidth, frameHeight);
        DownsampleRatio = ChooseDownsampleRatio(MaskWidth, MaskHeight);
        _src = new float[MaskWidth * MaskHeight * 3];
        _pha = new float[MaskWidth * MaskHeight];
        _srcValue = OrtValue.CreateTensorValueFromMemory(_src, [1, 3, MaskHeight, MaskWidth]);
        _phaValue = OrtValue.CreateTensorValueFromMemory(_pha, [1, 1, MaskHeight, MaskWidth]);
        _ratioValue = OrtValue.CreateTensorValueFromMemory(new[] { DownsampleRatio }, [1]);
        _zeroStates = StateInputs.Select(_ => OrtValue.CreateTensorValueFromMemory(new float[1], [1, 1, 1, 1])).ToArray();
        _inputNames = ["src", .. StateInputs, "downsample_ratio"];
        _outputNames = ["pha", .. StateOutputs];
        _inputs = new OrtValue[_inputNames.Length];
        _outputs = new OrtValue[_outputNames.Length];
    }

    /// <summary>Wraps an open session whose signature is <see cref="MattingModelKind.RobustVideoMatting"/> (takes ownership) for frames of the given size.</summary>
    public static RobustVideoMattingSegmenter Create(InferenceSession session, string displayName, int frameWidth, int frameHeight) =>
        new(session, displayName, frameWidth, frameHeight);

    /// <summary>
    /// The downsample ratio for a frame: the longer side goes to at most 512 pixels, raised when that would take the
    /// shorter side under 256 (very wide frames), never above 1.
    /// </summary>
    public static float ChooseDownsampleRatio(int width, int height)
    {
        var ratio = Math.Min(1f, 512f / Math.Max(width, height));
        if (Math.Min(width, height) * ratio < 256) ratio = Math.Min(1f, 256f / Math.Min(width, height));
        return ratio;
    }

    /// <summary>The downsample_ratio fed to the model.</summary>
    public float DownsampleRatio { get; }

    /// <inheritdoc/>
    public int MaskWidth { get; }

    /// <inheritdoc/>
    public int MaskHeight { get; }

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        if (_resizer is null || _resizer.SourceWidth != width || _resizer.SourceHeight != height)
            _resizer = new ModelInputResizer(width, height, channels, MaskWidth, MaskHeight);
        _resizer.Resize(frame, _src, channelsFirst: true);
        _inputs[0] = _srcValue;
        _inputs[^1] = _ratioValue;
        _outputs[0] = _phaValue;
        if (_stateValid)
        {
            for (var i = 0; i < 4; i++)
            {
                _inputs[i + 1] = _statesIn![i];
                _outputs[i + 1] = _statesOut![i];
            }
            _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
            (_statesIn, _statesOut) = (_statesOut, _statesIn);
        }
        else
        {
            // First frame (or after Reset): zero states; the output states' shapes size the two state sets.
            for (var i = 0; i < 4; i++) _inputs[i + 1] = _zeroStates[i];
            using var results = _session.Run(_runOptions, _inputNames, _inputs, _outputNames);
            results[0].GetTensorDataAsSpan<float>().CopyTo(_pha);
            EnsureStates(results);
            for (var i = 0; i < 4; i++) results[i + 1].GetTensorDataAsSpan<float>().CopyTo(_statesIn![i].GetTensorMutableDataAsSpan<float>());
            _stateValid = true;
        }
        _pha.AsSpan().CopyTo(mask);
    }

    /// <summary>Starts the recurrent state over from zeros (a new video).</summary>
    public void Reset() => _stateValid = false;

    private void EnsureStates(IReadOnlyList<OrtValue> results)
    {
        var shapes = Enumerable.Range(1, 4).Select(i => results[i].GetTensorTypeAndShape().Shape).ToArray();
        if (_statesIn is not null && _statesIn.Select(v => v.GetTensorTypeAndShape().Shape).Zip(shapes).All(p => p.First.SequenceEqual(p.Second)))
            return;
        DisposeStates();
        _statesIn = shapes.Select(s => OrtValue.CreateTensorValueFromMemory(new float[s.Aggregate(1L, (a, b) => a * b)], s)).ToArray();
        _statesOut = shapes.Select(s => OrtValue.CreateTensorValueFromMemory(new float[s.Aggregate(1L, (a, b) => a * b)], s)).ToArray();
    }

    private void DisposeStates()
    {
        foreach (var v in (_statesIn ?? []).Concat(_statesOut ?? [])) v.Dispose();
        _statesIn = _statesOut = null;
    }

    /// <summary>Releases the session and tensors.</summary>
    public void Dispose()
    {
        DisposeStates();
        foreach (var v in _zeroStates) v.Dispose();
        _srcValue.Dispose();
        _phaValue.Dispose();
        _ratioValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
