using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>
/// The CLIP text encoder of a diffusers ONNX folder (<c>text_encoder/model.onnx</c>): token ids [1, 77] (int32 or
/// int64, as the model declares) → <c>last_hidden_state</c> [1, 77, W] returned as float32.
/// </summary>
/// <remarks>The session is created once and reused; one prompt is encoded per call (batch 1 works for static and dynamic exports).</remarks>
public sealed class ClipTextEncoder : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly OrtTensor _ids;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private long _runTicks;

    private ClipTextEncoder(InferenceSession session, string path)
    {
        _session = session;
        Path = path;
        var (inputName, input) = ModelInputs.Input(session, path, "input_ids", "a CLIP text encoder with input 'input_ids' [batch, 77]");
        if (!input.IsTensor || input.ElementDataType is not (TensorElementType.Int32 or TensorElementType.Int64))
            throw new SynthstageException($"'{path}': '{inputName}' is {ModelInputs.Describe(input)}; expected int32 or int64 token ids [batch, 77]", ExitCodes.BadModel);
        ModelInputs.Rank(input, path, inputName, 2, "token ids [batch, 77]");
        SequenceLength = input.Dimensions[1] > 0 ? input.Dimensions[1] : 77;
        var (outputName, output) = ModelInputs.Output(session, path, "last_hidden_state", "'last_hidden_state' [batch, 77, width]");
        ModelInputs.FloatType(output, path, outputName);
        ModelInputs.Rank(output, path, outputName, 3, "'last_hidden_state' [batch, 77, width]");
        HiddenSize = output.Dimensions[2] > 0 ? output.Dimensions[2] : 0;
        IdsType = input.ElementDataType;
        _inputName = inputName;
        _outputName = outputName;
        _inputNames = [inputName];
        _outputNames = [outputName];
        _ids = OrtTensor.Create(input.ElementDataType, 1, SequenceLength);
    }

    /// <summary>Opens <paramref name="path"/> and checks its inputs and outputs.</summary>
    /// <exception cref="SynthstageException">The file is missing, corrupt, or not a CLIP text encoder.</exception>
    public static ClipTextEncoder Create(string path, SessionOptionsSpec spec)
    {
        var session = OnnxSessionFactory.Create(path, spec);
        try
        {
            return new ClipTextEncoder(session, path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The model file.</summary>
    public string Path { get; }

    /// <summary>Element type of the token ids the model takes (int32 or int64).</summary>
    public TensorElementType IdsType { get; }

    /// <summary>Tokens per prompt (77 for CLIP).</summary>
    public int SequenceLength { get; }

    /// <summary>Width of each token's hidden state (768 for SD 1.5), or 0 when the export leaves it symbolic.</summary>
    public int HiddenSize { get; }

    /// <summary>Time spent inside ONNX Runtime's <c>Run</c> for this model since it was created.</summary>
    public TimeSpan RunTime => Stopwatch.GetElapsedTime(0, _runTicks);

    /// <summary>Encodes one tokenised prompt.</summary>
    /// <param name="ids">Exactly <see cref="SequenceLength"/> token ids, padded.</param>
    /// <param name="runOptions">Run options (cancellation via <c>Terminate</c>), or null.</param>
    /// <returns>Hidden states [1, 77, W], float32, a new array owned by the caller.</returns>
    public float[] Encode(ReadOnlySpan<int> ids, RunOptions? runOptions = null)
    {
        if (ids.Length != SequenceLength)
            throw new ArgumentException($"expected {SequenceLength} token ids, got {ids.Length}", nameof(ids));
        _ids.WriteInts(ids);
        var start = Stopwatch.GetTimestamp();
        using var outputs = _session.Run(runOptions ?? s_defaultRun, _inputNames, [_ids.Value], _outputNames);
        _runTicks += Stopwatch.GetTimestamp() - start;
        var info = outputs[0].GetTensorTypeAndShape();
        var result = new float[info.ElementCount];
        if (info.ElementDataType == TensorElementType.Float16)
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(
                System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(outputs[0].GetTensorDataAsSpan<Float16>()), result);
        else outputs[0].GetTensorDataAsSpan<float>().CopyTo(result);
        return result;
    }

    private static readonly RunOptions s_defaultRun = new();

    /// <inheritdoc />
    public void Dispose()
    {
        _ids.Dispose();
        _session.Dispose();
    }
}
