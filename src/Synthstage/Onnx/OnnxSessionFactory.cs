using Microsoft.ML.OnnxRuntime;

namespace Synthstage.Onnx;

/// <summary>Creates ONNX Runtime sessions with the chosen execution provider and turns load failures into clear errors.</summary>
public static class OnnxSessionFactory
{
    /// <summary>Builds session options for <paramref name="spec"/>.</summary>
    /// <exception cref="SynthstageException">CUDA was requested but cannot be used on this machine.</exception>
    public static SessionOptions CreateOptions(SessionOptionsSpec spec)
    {
        _ = OnnxRuntimeSetup.Runtime;
        var options = new SessionOptions
        {
            GraphOptimizationLevel = spec.OptimizationLevel ?? GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = spec.IntraOpThreads,
            InterOpNumThreads = 1,
            EnableCpuMemArena = spec.CpuMemoryArena,
        };
        if (spec.IntraOpThreads == 1) options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        if (spec.Device == ExecutionDevice.Cuda)
        {
            try
            {
                options.AppendExecutionProvider_CUDA(spec.CudaDeviceId);
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                options.Dispose();
                throw new SynthstageException(
                    $"CUDA is not available: {FirstLine(e.Message)}. Use --device cpu, or install an NVIDIA driver with CUDA 12 + cuDNN 9 and build with -p:SynthstageGpu=true.",
                    ExitCodes.Failure, e);
            }
        }
        return options;
    }

    /// <summary>Opens <paramref name="modelPath"/> (a file) as a session.</summary>
    /// <exception cref="SynthstageException">The file is missing or not a model ONNX Runtime can load.</exception>
    public static InferenceSession Create(string modelPath, SessionOptionsSpec spec)
    {
        if (!File.Exists(modelPath))
            throw new SynthstageException($"model file '{modelPath}' does not exist", ExitCodes.BadModel);
        try
        {
            if (OptimizedModelCache.TryCreate(modelPath, spec, () => CreateOptions(spec)) is { } cached) return cached;
            using var options = CreateOptions(spec);
            return new InferenceSession(modelPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SynthstageException($"'{modelPath}' is not a valid ONNX model: {FirstLine(e.Message)}", ExitCodes.BadModel, e);
        }
    }

    /// <summary>Opens an in-memory model as a session.</summary>
    public static InferenceSession Create(byte[] model, SessionOptionsSpec spec, string displayName)
    {
        using var options = CreateOptions(spec);
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SynthstageException($"'{displayName}' is not a valid ONNX model: {FirstLine(e.Message)}", ExitCodes.BadModel, e);
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }
}
