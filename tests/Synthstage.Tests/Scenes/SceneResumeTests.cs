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

        int stored;
        using (var render = CliProcess.Start(null, Args(excerpt, output)))
        {
            // Each rendered frame prints a progress line (after it is stored): check the state as each one arrives and
            // kill once whole parts hold 16 frames. The render goes on until the signal lands, so more may be stored by
            // then; the slack allowed is anything short of the whole clip, which would leave nothing to resume.
            var line = await render.WaitForStderrLineAsync(l => l.StartsWith("render: ", StringComparison.Ordinal) && FramesStored(output) >= 16);
            if (line is null) Assert.Fail($"the render never stored 16 frames in finished parts: {render.Stderr}");
            Assert.False(render.HasExited, "the render ended before it could be killed");
            render.Signal(CliChild.SigKill); // no chance to clean up
            Assert.Equal(137, await render.WaitForExitAsync());
            Assert.DoesNotContain("error", render.Stderr);
            stored = FramesStored(output);
        }
        Assert.InRange(stored, 16, Frames - 1);
        Assert.False(File.Exists(output));

        // Other parameters: refused, the unfinished render left alone.
        var changed = await CliProcess.RunAsync(null, Args(excerpt, output, "--harmonize", "0.5"));
        Assert.Equal(ExitCodes.Usage, changed.Code);
        Assert.Contains("other parameters", changed.Stderr);
        Assert.Equal(stored, FramesStored(output));

        var resumed = await CliProcess.RunAsync(null, Args(excerpt, output));
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
        await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output);
    }
}
