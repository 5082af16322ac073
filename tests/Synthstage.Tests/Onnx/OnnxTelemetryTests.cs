using System.Diagnostics;

namespace Synthstage.Tests.Onnx;

/// <summary>ONNX Runtime's usage telemetry stays off: a real keyed render leaves no device id or event cache in the user's home.</summary>
public sealed class OnnxTelemetryTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("synthstage-home-").FullName;

    [Fact]
    public async Task AKeyedRenderLeavesNoRuntimeTelemetryInTheHomeFolder()
    {
        SharedData.RequireFfmpeg();
        var store = await TestModels.RequireSelfieStoreAsync();
        var clip = Path.Combine(_home, "clip.mp4");
        var make = Process.Start("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=24", "-frames:v", "3", "-pix_fmt", "yuv420p", clip])!;
        await make.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, make.ExitCode);

        // HOME moved to an empty folder, where the runtime would put its cache; nobody's opt-out variable set.
        var (code, _, stderr) = await CliProcess.RunAsync(
            new Dictionary<string, string> { ["HOME"] = _home, ["SYNTHSTAGE_HOME"] = store.Root, ["XDG_CACHE_HOME"] = "", ["ORT_DISABLE_TELEMETRY"] = "" },
            "matte", clip, "-o", Path.Combine(_home, "mask.mp4"));

        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(_home, "mask.mp4")));
        Assert.False(Directory.Exists(Path.Combine(_home, ".cache", "Microsoft")), "ONNX Runtime wrote its telemetry cache under HOME/.cache/Microsoft");
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
