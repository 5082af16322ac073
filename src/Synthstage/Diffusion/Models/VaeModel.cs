using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Synthstage.Onnx;

namespace Synthstage.Diffusion.Models;

/// <summary>One-input, one-output float model (a VAE half) with tensors kept for the last shape used.</summary>
internal sealed class VaeModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly Microsoft.ML.OnnxRuntime.Tensors.TensorElementType _inputType;
    private readonly Microsoft.ML.OnnxRuntime.Tensors.TensorElementType _outputType;
    private OrtTensor? _input;
    private OrtTensor? _output;
    private OrtIoBinding? _binding;
    private long _runTicks;

    private VaeModel(InferenceSession session, string path, string inputName, string outputName, string expected)
    {
        _session = session;
        Path = path;
        if (session.InputMetadata.Count != 1)
            throw new SynthstageException($"'{path}' has {session.InputMetadata.Count} inputs ({string.Join(", ", session.InputNames)}); expected {expected}", ExitCodes.BadModel);
        var (inName, input) = ModelInputs.Input(session, path, inputName, expected);
        var (outName, output) = ModelInputs.Output(session, path, outputName, expected);
        _inputType = ModelInputs.FloatType(input, path, inName);
        _outputType = ModelInputs.FloatType(output, path, outName);
        ModelInputs.Rank(input, path, inName, 4, expected);
        ModelInputs.Rank(output, path, outName, 4, expected);
        _inputName = inName;
        _outputName = outName;
    }

    public static VaeModel Create(string path, SessionOptionsSpec spec, string inputName, string outputName, string expected)
    {
        var session = OnnxSessionFactory.Create(path, spec);
        try
        {
            return new VaeModel(session, path, inputName, outputName, expected);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public string Path { get; }

    public TimeSpan RunTime => Stopwatch.GetElapsedTime(0, _runTicks);

    public void Run(ReadOnlySpan<float> input, long[] inputShape, Span<float> output, long[] outputShape, RunOptions runOptions)
    {
        if (_input is null || !_input.Shape.AsSpan().SequenceEqual(inputShape) || !_output!.Shape.AsSpan().SequenceEqual(outputShape))
        {
            DisposeTensors();
            _input = OrtTensor.Create(_inputType, inputShape);
            _output = OrtTensor.Create(_outputType, outputShape);
            _binding = _session.CreateIoBinding();
            _binding.BindInput(_inputName, _input.Value);
            _binding.BindOutput(_outputName, _output.Value);
        }
        if (input.Length != _input.Length) throw new ArgumentException($"expected {_input.Length} input values, got {input.Length}", nameof(input));
        if (output.Length != _output.Length) throw new ArgumentException($"expected room for {_output.Length} output values, got {output.Length}", nameof(output));
        _input.WriteFloats(input);
        var start = Stopwatch.GetTimestamp();
        _session.RunWithBinding(runOptions, _binding!);
        _runTicks += Stopwatch.GetTimestamp() - start;
        _output.ReadFloats(output);
    }

    private void DisposeTensors()
    {
        _binding?.Dispose();
        _input?.Dispose();
        _output?.Dispose();
        _binding = null;
        _input = null;
        _output = null;
    }

    public void Dispose()
    {
        DisposeTensors();
        _session.Dispose();
    }
}
