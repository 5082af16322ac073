using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Synthstage.Media;
using Synthstage.Tests.Forge;
using Synthstage.Tests.Video;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Scenes;

/// <summary><c>composite --prompt</c> renders resume: a SIGKILLed CLI render continues where it stopped when rerun.</summary>
public sealed class SceneResumeTests(ForgedFolders forged) : IClassFixture<ForgedFolders>, IDisposable
{
    private const int Frames = 100;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-sceneresume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string[] Args(string input, string output, params string[] extra) =>
    [
        "composite", input, "--prompt", "a beach at dusk", "--prompt", "a snowy forest", "--background-motion", "walk", "--walk-every", "16", "--part-seconds", "0.5",
        "--seed", "3", "--steps", "2", "--scene-model", forged.Get("tiny"), "--preset", "ultrafast", .. extra, "-o", output,
    ];

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private static readonly Dictionary<string, string> Home = new() { ["SYNTHSTAGE_HOME"] = TestModels.CacheRoot };

    private static int FramesStored(string output)
    {
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(ResumableVideoOutput.StatePathOf(output)))!;
            return state["parts"]!.AsArray().Sum(n => n!.GetValue<int>());
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or NullReferenceException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task ACompositeKilledHalfwayResumesWithTheRightFrameCountAndAudio()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var excerpt = Path.Combine(_dir, "coffee.mp4");
        await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", Frames.ToString(CultureInfo.InvariantCulture), "-c", "copy", excerpt);
        var output = Path.Combine(_dir, "scene.mp4");

        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll"));
        foreach (var a in Args(excerpt, output)) info.ArgumentList.Add(a);
        info.Environment["SYNTHSTAGE_HOME"] = TestModels.CacheRoot;
        int stored;
        using (var process = Process.Start(info)!)
        {
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3) && FramesStored(output) < 16)
                await Task.Delay(10, Ct);
            Assert.False(process.HasExited, "the render ended before it could be killed");
            Assert.Equal(0, Kill(process.Id, 9)); // SIGKILL: no chance to clean up
            await process.WaitForExitAsync(Ct);
            Assert.Equal(137, process.ExitCode);
            Assert.DoesNotContain("error", await stderr);
            stored = FramesStored(output);
        }
        Assert.InRange(stored, 16, Frames - 1);
        Assert.False(File.Exists(output));

        // Other parameters: refused, the unfinished render left alone.
        var changed = await Cli.CliTests.RunAsync(Home, Args(excerpt, output, "--harmonize", "0.5"));
        Assert.Equal(ExitCodes.Usage, changed.Code);
        Assert.Contains("other parameters", changed.Stderr);
        Assert.Equal(stored, FramesStored(output));

        var resumed = await Cli.CliTests.RunAsync(Home, Args(excerpt, output));
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.Contains("from the cache", resumed.Stdout); // the walk frames were not generated again
        Assert.Contains("resumed: ", resumed.Stdout);
        var kept = int.Parse(resumed.Stdout.Split("resumed: ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.InRange(kept, stored, Frames - 1);
        Assert.False(File.Exists(ResumableVideoOutput.StatePathOf(output)));
        Assert.False(Directory.Exists(output + ".parts"));

        var written = await MediaProbe.ProbeAsync(output, Ct);
        Assert.Equal(Frames, written.FrameCount);
        Assert.Equal((1280, 720), (written.Width, written.Height));
        Assert.Equal(await KeyingJobTests.AudioMd5Async(excerpt), await KeyingJobTests.AudioMd5Async(output));
        Assert.True(File.Exists(output + ".manifest.json"));
    }
}
