using System.Diagnostics;

namespace Synthstage.Tests.Cli;

/// <summary>Runs the real synthstage command as a child process and checks exit codes and messages.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (k, v) in env ?? new Dictionary<string, string>()) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    private static Dictionary<string, string> TestStore() => new() { ["SYNTHSTAGE_HOME"] = TestModels.CacheRoot };

    [Fact]
    public async Task MissingInputIsOneLineAndExitCode3()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var (code, _, stderr) = await RunAsync(TestStore(), "composite", Path.Combine(_dir, "nope.mp4"), "--background", "#112233", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(3, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("nope.mp4", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task BadBackgroundColourIsAUsageError()
    {
        var (code, _, stderr) = await RunAsync(null, "composite", "in.mp4", "--background", "#12", "-o", "o.mp4");
        Assert.Equal(2, code);
        Assert.Equal("error: background colour '#12' must look like #RRGGBB", stderr.Trim());
    }

    [Fact]
    public async Task UnwritableOutputFolderExits4()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var (code, _, stderr) = await RunAsync(TestStore(), "matte", coffee, "-o", Path.Combine(_dir, "missing-folder", "m.webm"));
        Assert.Equal(4, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task CudaWithoutAGpuFailsClearly()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        if (File.Exists("/dev/nvidia0")) Assert.Skip("a GPU is present; this test covers machines without CUDA");
        var coffee = SharedData.Require("footage/coffee.mp4");
        var (code, _, stderr) = await RunAsync(TestStore(), "matte", coffee, "-o", Path.Combine(_dir, "m.webm"), "--device", "cuda");
        Assert.Equal(1, code);
        Assert.StartsWith("error: CUDA is not available", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
