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

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll"), "matte", clip, "-o", Path.Combine(_home, "mask.mp4") })
            info.ArgumentList.Add(a);
        info.Environment["HOME"] = _home;
        info.Environment["SYNTHSTAGE_HOME"] = store.Root;
        info.Environment.Remove("XDG_CACHE_HOME");
        info.Environment.Remove("ORT_DISABLE_TELEMETRY");
        using var cli = Process.Start(info)!;
        var stderr = cli.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await cli.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await cli.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(cli.ExitCode == 0, await stderr);
        Assert.True(File.Exists(Path.Combine(_home, "mask.mp4")));
        Assert.False(Directory.Exists(Path.Combine(_home, ".cache", "Microsoft")), "ONNX Runtime wrote its telemetry cache under HOME/.cache/Microsoft");
    }

    public void Dispose() => Directory.Delete(_home, recursive: true);
}
