using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Synthstage.Tests.Cli;
using Synthstage.Tests.Diffusion.Models;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Walks;

/// <summary>The real <c>synthstage walk</c> as a child process: interruption and resume, parameter changes, bad input.</summary>
public sealed class WalkCliTests(TinyDiffusionModels models) : IClassFixture<TinyDiffusionModels>
{
    private const int Frames = 61;

    private string[] WalkArgs(string output, params string[] extra) =>
    [
        "walk", "--model", models.Folder("fp32"), "--prompt", "a cat", "--seed", "1", "--prompt", "a dog", "--seed", "2",
        "--frames", (Frames - 1).ToString(CultureInfo.InvariantCulture), "-W", "64", "-H", "48", "--no-ort-cache",
        "--no-watermark", .. extra.Contains("--steps") ? extra : [.. extra, "--steps", "6"], "-o", output,
    ];

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private const int SigInt = 2, SigKill = 9;

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

    /// <summary>Starts a walk and interrupts it with <paramref name="signal"/> once 20 to 40 of its frames are stored.</summary>
    private static async Task<(int Code, string Stderr, int StoredAtSignal)> InterruptAsync(string[] args, string output, int signal)
    {
        using var process = Start(args);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        var stored = 0;
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3) && (stored = FramesStored(output)) < 20)
            await Task.Delay(10, TestContext.Current.CancellationToken);
        var running = !process.HasExited;
        Assert.True(running, "the walk ended before it could be interrupted");
        Assert.InRange(stored, 20, 40);
        Assert.Equal(0, Kill(process.Id, signal));
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await stderr, stored);
    }

    [Fact]
    public async Task AWalkKilledHalfwayResumesToTheSameFramesAsAnUninterruptedOne()
    {
        SharedData.RequireFfmpeg();
        var dir = models.NewTempFolder();
        var reference = Path.Combine(dir, "reference.mp4");
        var whole = await CliTests.RunAsync(null, WalkArgs(reference));
        Assert.True(whole.Code == 0, whole.Stderr);
        Assert.Contains($"({Frames} frames, {Frames} rendered", whole.Stdout);

        var output = Path.Combine(dir, "killed.mp4");
        var (code, _, stored) = await InterruptAsync(WalkArgs(output), output, SigKill);
        Assert.Equal(137, code);
        Assert.False(File.Exists(output));
        var done = FramesStored(output);
        Assert.True(done >= stored, $"{done} frames stored after the kill, {stored} before");
        var runId = JsonNode.Parse(File.ReadAllText(ResumableVideoOutput.StatePathOf(output)))!["run"]!.GetValue<string>();

        // Other parameters with the unfinished state: refused before rendering, and the state is left alone.
        var changed = await CliTests.RunAsync(null, WalkArgs(output, "--guidance", "5"));
        Assert.Equal(ExitCodes.Usage, changed.Code);
        Assert.StartsWith("error: ", changed.Stderr);
        Assert.Contains("guidance: [\"7.5\"] → [\"5\"]", changed.Stderr);
        Assert.Single(changed.Stderr.Trim().Split('\n'));
        Assert.Equal(done, FramesStored(output));

        var resumed = await CliTests.RunAsync(null, WalkArgs(output));
        Assert.True(resumed.Code == 0, resumed.Stderr);
        Assert.Contains($"{Frames - done} rendered", resumed.Stdout);
        Assert.Contains($"{done} resumed from an earlier run", resumed.Stdout);
        Assert.False(File.Exists(ResumableVideoOutput.StatePathOf(output)));
        Assert.False(Directory.Exists(output + ".parts"));
        // One output, one content id: the id drawn by the killed run is the resumed video's (watermark payload = its first 32 bits).
        var manifest = JsonNode.Parse(File.ReadAllText(Synthstage.Provenance.ProvenanceWriter.SidecarPath(output)))!;
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
        var (code, stderr, _) = await InterruptAsync(WalkArgs(output), output, SigInt);
        Assert.Equal(130, code);
        Assert.Equal($"error: cancelled; the frames done are kept in {output}.parts/ and {output}.resume.json: run the same command again to resume, or delete both to start over",
            stderr.Split('\n').Last(l => l.Length > 0));
        var done = FramesStored(output);
        Assert.True(done >= 20, $"{done} frames kept: {string.Join(",", Directory.GetFileSystemEntries(output + ".parts").Select(f => Path.GetFileName(f) + "=" + (File.Exists(f) ? new FileInfo(f).Length : -1)))} {stderr}");
        var resumed = await CliTests.RunAsync(null, WalkArgs(output));
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
        await InterruptAsync(WalkArgs(output), output, SigKill);
        var restarted = await CliTests.RunAsync(null, WalkArgs(output, "--steps", "2", "--restart"));
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
        var (code, _, stderr) = await CliTests.RunAsync(null, ["walk", "--model", "/nonexistent-model", .. keyframes, "-o", Path.Combine(dir, "w.mp4")]);
        Assert.Equal(exitCode, code);
        Assert.Equal(message, stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task AMissingOutputFolderIsRefused()
    {
        var dir = models.NewTempFolder();
        var (code, _, stderr) = await CliTests.RunAsync(null, ["walk", "-m", "/nonexistent-model", "--prompt", "a", "--seed", "1", "--prompt", "b", "--seed", "2", "-o", Path.Combine(dir, "no", "w.mp4")]);
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
        var (code, _, stderr) = await CliTests.RunAsync(null, WalkArgs(output, "--audio", audio, "--fps", "24"));
        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Equal($"error: audio '{audio}' is too short: the walk needs 2.54 s from 0 s but only 1 s are there; use fewer frames, an earlier start, or pad with silence", stderr.Trim().Split('\n').Last());
        Assert.Equal(["short.wav"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));

        var padded = await CliTests.RunAsync(null, WalkArgs(output, "--audio", audio, "--fps", "24", "--pad-audio"));
        Assert.True(padded.Code == 0, padded.Stderr);
        var streams = await Synthstage.Media.MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        Assert.Single(streams.AudioStreams);
        Assert.Equal(Frames, streams.FrameCount);
    }
}
