namespace Synthstage.Tests.Cli;

/// <summary>Runs the real synthstage command as a child process and checks exit codes and messages.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task MissingInputIsOneLineAndExitCode3()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", Path.Combine(_dir, "nope.mp4"), "--background", "#112233", "-o", Path.Combine(_dir, "o.mp4"));
        Assert.Equal(3, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Contains("nope.mp4", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task BadBackgroundColourIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", "in.mp4", "--background", "#12", "-o", "o.mp4");
        Assert.Equal(2, code);
        Assert.Equal("error: background colour '#12' must look like #RRGGBB", stderr.Trim());
    }

    [Fact]
    public async Task UnwritableOutputFolderExits4()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "matte", coffee, "-o", Path.Combine(_dir, "missing-folder", "m.webm"));
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
        var (code, _, stderr) = await CliProcess.RunAsync(null, "matte", coffee, "-o", Path.Combine(_dir, "m.webm"), "--device", "cuda");
        Assert.Equal(1, code);
        Assert.StartsWith("error: CUDA is not available", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task CompositeManifestNamesTheCommandAndTheReplacedBackground()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var still = Path.Combine(_dir, "still.png");
        await Video.KeyingJobTests.RunFfmpegAsync("-i", coffee, "-frames:v", "1", still);
        var output = Path.Combine(_dir, "out.png");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", still, "--background", "#102030", "-o", output);
        Assert.True(code == 0, stderr);
        using var manifest = System.Text.Json.JsonDocument.Parse((await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output)).ToJsonString());
        Assert.Equal("composite", manifest.RootElement.GetProperty("command").GetString());
        var parts = manifest.RootElement.GetProperty("parts").EnumerateArray()
            .Select(p => (p.GetProperty("part").GetString(), p.GetProperty("origin").GetString())).ToArray();
        Assert.Contains(("subject", "captured"), parts);
        Assert.Contains(("background", "replaced"), parts);
    }

    [Fact]
    public async Task CtrlCStopsTheRenderWithExitCode130AndNoOutput()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var output = Path.Combine(_dir, "interrupted.mp4");
        using var child = CliProcess.Start(null, "composite", juggle, "-b", "blur", "-o", output);
        // Interrupt as a terminal's Ctrl+C would once frames are flowing: the first progress line counts a rendered frame.
        var rendering = await child.WaitForStderrLineAsync(l => l.StartsWith("render: ", StringComparison.Ordinal));
        Assert.True(rendering is not null, $"no render progress line before the end: {child.Stderr}");
        Assert.False(child.HasExited, "the render finished before it could be interrupted");
        child.Signal(CliChild.SigInt);
        Assert.Equal(130, await child.WaitForExitAsync());
        Assert.StartsWith("error: cancelled", child.Stderr.Split('\n').Last(l => l.Length > 0));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task MatteOfAFolderWritesOneOutputPerImage()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var inputs = Directory.CreateDirectory(Path.Combine(_dir, "in")).FullName;
        var outputs = Directory.CreateDirectory(Path.Combine(_dir, "out")).FullName;
        foreach (var n in new[] { 10, 200 })
            await Video.KeyingJobTests.RunFfmpegAsync("-i", coffee, "-vf", $"select=eq(n\\,{n})", "-frames:v", "1", Path.Combine(inputs, $"frame{n}.png"));
        await File.WriteAllTextAsync(Path.Combine(inputs, "notes.txt"), "ignored", TestContext.Current.CancellationToken);
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "matte", inputs, "-o", outputs, "--model", "general");
        Assert.True(code == 0, stderr);
        Assert.Equal(["frame10.png", "frame200.png"], Directory.GetFiles(outputs, "*.png").Select(Path.GetFileName).Order()); // sidecar manifests beside them
        Assert.Equal(2, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("wrote ")));
    }
}
