using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Walks;

/// <summary>The real <c>synthstage walk</c> as a child process: interruption and resume, parameter changes, bad input.</summary>
public sealed partial class WalkCliTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    private const int Frames = 61;

    private string[] WalkArgs(string output, params string[] extra) =>
    [
        "walk", "--model", models.Folder("fp32"), "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2",
        "--frames", (Frames - 1).ToString(CultureInfo.InvariantCulture), "-W", "64", "-H", "48", "--no-ort-cache",
        "--no-watermark", .. extra.Contains("--steps") ? extra : [.. extra, "--steps", "6"], "-o", output,
    ];

    private static int FramesStored(string output)
    {
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(ResumableVideoOutput.StatePathOf(output)))!;
            var parts = state["parts"]!.AsArray();
            // Only the pending file of the part being written counts (an older one may linger for a moment).
            var pending = new FileInfo(Path.Combine(output + ".parts", $"pending-{parts.Count:D5}.rgb"));
            return parts.Sum(n => n!.GetValue<int>()) + (pending.Exists ? (int)(pending.Length / (64 * 48 * 3)) : 0);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or NullReferenceException)
        {
            return 0;
        }
    }

    [GeneratedRegex(@"^walk: (?<done>\d+)/\d+")]
    private static partial Regex WalkCountLine();

    /// <summary>
    /// Starts a walk and sends it <paramref name="signal"/> as soon as its progress line says 20 frames are stored (the
    /// line comes after the frame is written). The walk goes on until the signal lands, so under load more than 20 may be
    /// stored by then; the slack allowed is anything short of the whole walk, which would leave nothing to resume.
    /// </summary>
    private static async Task<(int Code, string Stderr, int StoredAtSignal)> InterruptAsync(string[] args, int signal)
    {
        using var walk = CliProcess.Start(null, args);
        var line = await walk.WaitForStderrLineAsync(l => WalkCountLine().Match(l) is { Success: true } m && int.Parse(m.Groups["done"].Value, CultureInfo.InvariantCulture) >= 20);
        if (line is null) Assert.Fail($"the walk never reported 20 frames: {walk.Stderr}");
        Assert.False(walk.HasExited, "the walk ended before it could be interrupted");
        walk.Signal(signal);
        var code = await walk.WaitForExitAsync();
        var stored = int.Parse(WalkCountLine().Match(line).Groups["done"].Value, CultureInfo.InvariantCulture);
        Assert.InRange(stored, 20, Frames - 1);
        return (code, walk.Stderr, stored);
    }

    [Fact]
    public async Task AWalkKilledHalfwayResumesToTheSameFramesAsAnUninterruptedOne()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var reference = Path.Combine(dir, "reference.mp4");
        var whole = await CliProcess.RunAsync(null, WalkArgs(reference));
        Assert.True(whole.Code == 0, whole.Stderr);
        Assert.Contains($"({Frames} frames, {Frames} rendered", whole.Stdout);

        var output = Path.Combine(dir, "killed.mp4");
        var (code, _, stored) = await InterruptAsync(WalkArgs(output), CliChild.SigKill);
        Assert.Equal(137, code);
        Assert.False(File.Exists(output));
        var done = FramesStored(output);
        Assert.InRange(done, stored, Frames - 1);
        var runId = JsonNode.Parse(File.ReadAllText(ResumableVideoOutput.StatePathOf(output)))!["run"]!.GetValue<string>();

        // Other parameters with the unfinished state: refused before rendering, and the state is left alone.
        var changed = await CliProcess.RunAsync(null, WalkArgs(output, "--guidance", "5"));
        Assert.Equal(ExitCodes.Usage, changed.Code);
        Assert.StartsWith("error: ", changed.Stderr);
        Assert.Contains("guidance: [\"7.5\"] → [\"5\"]", changed.Stderr);
        Assert.Single(changed.Stderr.Trim().Split('\n'));
        Assert.Equal(done, FramesStored(output));

        var resumed = await CliProcess.RunAsync(null, WalkArgs(output));
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.Contains($"{Frames - done} rendered", resumed.Stdout);
        Assert.Contains($"{done} resumed from an earlier run", resumed.Stdout);
        Assert.False(File.Exists(ResumableVideoOutput.StatePathOf(output)));
        Assert.False(Directory.Exists(output + ".parts"));
        // One output, one content id: the id drawn by the killed run is the resumed video's (watermark payload = its first 32 bits).
        var manifest = await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output);
        Assert.Equal(runId, manifest["contentId"]!.GetValue<string>());

        var expected = await ResumableVideoOutputTests.DecodeAsync(reference);
        Assert.Equal(Frames * 64 * 48 * 3, expected.Length);
        var actual = await ResumableVideoOutputTests.DecodeAsync(output);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "decoded frames differ from the uninterrupted run");
        // (The files' bytes differ only in their embedded manifests: each run has its own content id and times.)
    }

    [Fact]
    public async Task CtrlCExitsWith130AndKeepsTheFramesForTheNextRun()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var output = Path.Combine(dir, "interrupted.mp4");
        var (code, stderr, stored) = await InterruptAsync(WalkArgs(output), CliChild.SigInt);
        Assert.Equal(130, code);
        Assert.Equal($"error: cancelled; the frames done are kept in {output}.parts/ and {output}.resume.json: run the same command again to resume, or delete both to start over",
            stderr.Split('\n').Last(l => l.Length > 0));
        var done = FramesStored(output);
        Assert.True(done >= stored && done < Frames, $"{done} frames kept ({stored} reported before the signal): {string.Join(",", Directory.GetFileSystemEntries(output + ".parts").Select(f => Path.GetFileName(f) + "=" + (File.Exists(f) ? new FileInfo(f).Length : -1)))} {stderr}");
        var resumed = await CliProcess.RunAsync(null, WalkArgs(output));
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.Contains($"{done} resumed", resumed.Stdout);
        Assert.Equal(Frames * 64 * 48 * 3, (await ResumableVideoOutputTests.DecodeAsync(output)).Length);
    }

    [Fact]
    public async Task RestartDiscardsAnUnfinishedRunWithOtherParameters()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var output = Path.Combine(dir, "w.mp4");
        await InterruptAsync(WalkArgs(output), CliChild.SigKill);
        var restarted = await CliProcess.RunAsync(null, WalkArgs(output, "--steps", "2", "--restart"));
        Assert.True(restarted.Code == 0, restarted.Stderr);
        Assert.Contains($"({Frames} frames, {Frames} rendered", restarted.Stdout);
    }

    public static TheoryData<string[], int, string> BadInputs() => new()
    {
        { ["--prompt", "a cat", "--seed", "1"], ExitCodes.Usage, "error: a walk needs at least two keyframes (prompt and seed each); got 1" },
        { ["--prompt", "a", "--seed", "1", "--prompt", "b"], ExitCodes.Usage, "error: 2 prompts but 1 seed: give one --seed per --prompt" },
        { ["--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "--frames", "0"], ExitCodes.Usage, "error: frames between keyframes must be at least 1; got 0" },
        { ["--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "--frames", "4,0"], ExitCodes.Usage, "error: 2 segment settings for 2 keyframes; give one per segment (1)" },
        { ["--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "--audio", "/nonexistent/song.wav"], ExitCodes.BadInput, "error: audio file '/nonexistent/song.wav' does not exist" },
        // The size is refused as generate refuses it, before the (here missing) model is looked for.
        { ["--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "--width", "500"], ExitCodes.Usage,
            "error: size 500×512: width and height must be multiples of 8 (the VAE downsamples by 8); try 504×512" },
        { ["--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "--steps", "0"], ExitCodes.Usage, "error: steps must be at least 1; got 0" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputIsOneLineBeforeAnythingIsRendered(string[] keyframes, int exitCode, string message)
    {
        var dir = models.NewTempFolder();
        var (code, _, stderr) = await CliProcess.RunAsync(null, ["walk", "--model", "/nonexistent-model", .. keyframes, "-o", Path.Combine(dir, "w.mp4")]);
        Assert.Equal(exitCode, code);
        Assert.Equal(message, stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task AMissingOutputFolderIsRefused()
    {
        var dir = models.NewTempFolder();
        var (code, _, stderr) = await CliProcess.RunAsync(null, ["walk", "-m", "/nonexistent-model", "--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "-o", Path.Combine(dir, "no", "w.mp4")]);
        Assert.Equal(ExitCodes.BadOutput, code);
        Assert.Equal($"error: output folder '{Path.Combine(dir, "no")}' does not exist", stderr.Trim());
    }

    [Fact]
    public async Task AudioShorterThanTheWalkIsRefusedBeforeTheModelRuns()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var audio = Path.Combine(dir, "short.wav");
        WalkAudio.WriteClickTrack(audio, 1.0, [0.5]);
        var output = Path.Combine(dir, "w.mp4");
        var (code, _, stderr) = await CliProcess.RunAsync(null, WalkArgs(output, "--audio", audio, "--fps", "24"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: audio '{audio}' is too short: the walk needs 2.54 s from 0 s but only 1 s are there; use fewer frames, an earlier start, or pad with silence", stderr.Trim().Split('\n').Last());
        Assert.Equal(["short.wav"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));

        var padded = await CliProcess.RunAsync(null, WalkArgs(output, "--audio", audio, "--fps", "24", "--pad-audio"));
        Assert.True(padded.Code == 0, padded.Stderr);
        var streams = await Synthstage.Media.MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        Assert.Single(streams.AudioStreams);
        Assert.Equal(Frames, streams.FrameCount);
    }
}
