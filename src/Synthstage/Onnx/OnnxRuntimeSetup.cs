using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Synthstage.Onnx;

/// <summary>
/// Starts ONNX Runtime once per process, with its usage telemetry off. Since 1.31 the Linux and macOS packages keep a
/// device id and an event cache under <c>~/.cache/Microsoft/DeveloperTools</c> and upload events unless
/// <c>ORT_DISABLE_TELEMETRY=1</c> is in the native environment when the runtime starts; a local tool has no business
/// doing either, so the variable is set (unless the user set it to a value) before the runtime loads, and the runtime's own
/// switch is turned off too (the only one on Windows, where events go to ETW).
/// </summary>
public static partial class OnnxRuntimeSetup
{
    /// <summary>The native environment variable ONNX Runtime reads at start-up.</summary>
    public const string TelemetryVariable = "ORT_DISABLE_TELEMETRY";

    private static readonly Lazy<OrtEnv> Environment = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The process's runtime environment, started on first use.</summary>
    public static OrtEnv Runtime => Environment.Value;

    /// <summary>
    /// Starts the runtime on the thread pool (loading the native library takes a tenth of a second or more), so it is
    /// ready by the time a model is opened; callers don't wait for it.
    /// </summary>
    public static void WarmUp() => _ = Task.Run(() => Environment.Value);

    private static OrtEnv Start()
    {
        if (string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable(TelemetryVariable)))
        {
            // .NET keeps its own copy of the environment on Unix; the native runtime reads the C library's.
            System.Environment.SetEnvironmentVariable(TelemetryVariable, "1");
            if (!OperatingSystem.IsWindows()) _ = NativeEnvironment.setenv(TelemetryVariable, "1", 1);
        }
        var env = OrtEnv.Instance();
        env.DisableTelemetryEvents();
        return env;
    }

    private static partial class NativeEnvironment
    {
        [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
        internal static partial int setenv(string name, string value, int overwrite);
    }
}
