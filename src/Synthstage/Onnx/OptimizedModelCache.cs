using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Synthstage.Onnx;

/// <summary>
/// Keeps ONNX Runtime's fully optimised graph of a CPU model on disk, so the next session skips the optimisation
/// passes (for the full SD UNet, ORT_ENABLE_ALL's NCHWc layout pass: ~45–60 s → ~7 s).
/// </summary>
/// <remarks>
/// An ENABLE_ALL graph holds layout choices for this CPU, so the key covers the model file (path, size, time), its
/// external data files, the ONNX Runtime version and the processor. Entries are written under a temporary name and
/// renamed when complete; an entry that fails to load is deleted and the model is optimised again.
/// </remarks>
internal static class OptimizedModelCache
{
    private const string ModelFile = "model.onnx";
    private const string WeightsFile = "model.weights";

    public static InferenceSession? TryCreate(string modelPath, SessionOptionsSpec spec, Func<SessionOptions> createOptions)
    {
        if (spec.OptimizedModelCacheFolder is not { } root || spec.Device != ExecutionDevice.Cpu
            || (spec.OptimizationLevel ?? GraphOptimizationLevel.ORT_ENABLE_ALL) != GraphOptimizationLevel.ORT_ENABLE_ALL)
            return null;
        var entry = Path.Combine(root, Key(modelPath));
        var cached = Path.Combine(entry, ModelFile);
        if (File.Exists(cached))
        {
            using var options = createOptions();
            options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL;
            try
            {
                return new InferenceSession(cached, options);
            }
            catch (OnnxRuntimeException)
            {
                // A damaged entry: drop it and optimise again below.
                TryDelete(entry);
            }
        }
        var partial = entry + ".partial";
        try
        {
            TryDelete(partial);
            Directory.CreateDirectory(partial);
            // The optimised copy is about as large as the model's weights: skip caching rather than fill the disk.
            var modelBytes = Directory.EnumerateFiles(Path.GetDirectoryName(Path.GetFullPath(modelPath))!).Sum(f => new FileInfo(f).Length);
            if (new DriveInfo(Path.GetFullPath(partial)).AvailableFreeSpace < modelBytes * 2)
            {
                TryDelete(partial);
                return null;
            }
            InferenceSession session;
            using (var options = createOptions())
            {
                options.OptimizedModelFilePath = Path.Combine(partial, ModelFile);
                // ORT warns that an ENABLE_ALL graph is CPU-specific; the cache key already covers the CPU.
                options.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
                options.AddSessionConfigEntry("session.optimized_model_external_initializers_file_name", WeightsFile);
                options.AddSessionConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                session = new InferenceSession(modelPath, options);
            }
            try
            {
                Directory.Move(partial, entry);
            }
            catch (IOException)
            {
                TryDelete(partial); // another process won the race; its entry serves next time
            }
            return session;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OnnxRuntimeException)
        {
            // The cache is a speed-up only: an unwritable folder or a failed save must not stop the model loading.
            // A model that is itself invalid fails again, with its own error, in the uncached creation that follows.
            TryDelete(partial);
            return null;
        }
    }

    private static string Key(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var text = new StringBuilder()
            .Append(full).Append('|').Append(OrtEnv.Instance().GetVersionString()).Append('|')
            .Append(RuntimeInformation.ProcessArchitecture).Append('|').Append(CpuModel());
        foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(full)!).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            text.Append('|').Append(info.Name).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
        }
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..16];
        return $"{Path.GetFileName(Path.GetDirectoryName(full))}-{hash}";
    }

    private static string CpuModel()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) || line.StartsWith("flags", StringComparison.Ordinal))
                    return line;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux: the processor count and architecture still separate most machines.
        }
        return Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next attempt.
        }
    }
}
