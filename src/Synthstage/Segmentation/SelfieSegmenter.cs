using Microsoft.ML.OnnxRuntime;
using Synthstage.Imaging;
using Synthstage.Onnx;

namespace Synthstage.Segmentation;

/// <summary>
/// Runs a single-input, single-output person-segmentation network such as MediaPipe's selfie models (imported
/// from TFLite: input [1,H,W,3] RGB 0..1, output [1,H,W,1] sigmoid). Layout (NHWC or NCHW) and size are read
/// from the model, the frame is stretched to the input size as MediaPipe does, and the session and all
/// tensors are created once and reused for every frame.
/// </summary>
public sealed class SelfieSegmenter : IPersonSegmenter
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly OrtValue _inputValue;
    private readonly OrtValue _outputValue;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly bool _channelsFirst;
    private ModelInputResizer? _resizer;

    private SelfieSegmenter(InferenceSession session, string modelName)
    {
        _session = session;
        if (session.InputMetadata.Count != 1 || session.OutputMetadata.Count < 1)
            throw new SynthstageException($"'{modelName}' is not a segmentation model: expected one image input and a mask output", ExitCodes.BadModel);
        var (inputName, inputMeta) = session.InputMetadata.First();
        var (outputName, outputMeta) = session.OutputMetadata.First();
        var inDims = inputMeta.Dimensions;
        if (inputMeta.ElementType != typeof(float) || inDims.Length != 4)
            throw new SynthstageException($"'{modelName}' input '{inputName}' must be float [1,H,W,3] or [1,3,H,W]", ExitCodes.BadModel);
        _channelsFirst = inDims[1] == 3 && inDims[3] != 3;
        (InputHeight, InputWidth) = _channelsFirst ? (inDims[2], inDims[3]) : (inDims[1], inDims[2]);
        if (InputHeight <= 0 || InputWidth <= 0)
            throw new SynthstageException($"'{modelName}' has a dynamic input size; expected a fixed [1,H,W,3] input", ExitCodes.BadModel);
        var outDims = outputMeta.Dimensions.Select(d => d <= 0 ? 1 : d).ToArray();
        var outCount = outDims.Aggregate(1L, (a, b) => a * b);
        if (outCount != (long)InputWidth * InputHeight)
            throw new SynthstageException($"'{modelName}' output '{outputName}' has {outCount} values; expected one mask value per input pixel ({InputWidth}×{InputHeight})", ExitCodes.BadModel);

        _input = new float[InputWidth * InputHeight * 3];
        _output = new float[outCount];
        var inShape = _channelsFirst ? new long[] { 1, 3, InputHeight, InputWidth } : [1, InputHeight, InputWidth, 3];
        _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inShape);
        _outputValue = OrtValue.CreateTensorValueFromMemory(_output, outDims.Select(d => (long)d).ToArray());
        _inputNames = [inputName];
        _outputNames = [outputName];
    }

    /// <summary>Loads the model at <paramref name="modelPath"/>.</summary>
    /// <exception cref="SynthstageException">Missing, corrupt, or not a one-input mask model.</exception>
    public static SelfieSegmenter Create(string modelPath, SessionOptionsSpec? spec = null)
    {
        var session = OnnxSessionFactory.Create(modelPath, spec ?? new SessionOptionsSpec());
        try
        {
            return new SelfieSegmenter(session, Path.GetFileName(modelPath));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Model input width.</summary>
    public int InputWidth { get; }

    /// <summary>Model input height.</summary>
    public int InputHeight { get; }

    /// <inheritdoc/>
    public int MaskWidth => InputWidth;

    /// <inheritdoc/>
    public int MaskHeight => InputHeight;

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        if (_resizer is null || _resizer.SourceWidth != width || _resizer.SourceHeight != height)
            _resizer = new ModelInputResizer(width, height, channels, InputWidth, InputHeight);
        _resizer.Resize(frame, _input, _channelsFirst);
        _session.Run(_runOptions, _inputNames, [_inputValue], _outputNames, [_outputValue]);
        _output.AsSpan(0, MaskWidth * MaskHeight).CopyTo(mask);
    }

    /// <summary>Releases the session and its tensors.</summary>
    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
