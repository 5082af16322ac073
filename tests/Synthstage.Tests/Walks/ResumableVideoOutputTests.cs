using System.Text.Json.Nodes;
using Synthstage.Media;
using Synthstage.Tests.Video;
using Synthstage.Video.Resume;

namespace Synthstage.Tests.Walks;

public sealed class ResumableVideoOutputTests : IDisposable
{
    private const int W = 48, H = 32, Frames = 40;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Frame(int index)
    {
        var frame = new byte[W * H * 3];
        for (var i = 0; i < frame.Length; i++) frame[i] = (byte)(i * 7 + index * 13 + (i / (W * 3)) * index);
        return frame;
    }

    private ResumableVideoOptions Options(string name, string prompt = "a cat", bool restart = false) =>
        new(Path.Combine(_dir, name), W, H, 24) { Parameters = new JsonObject { ["prompt"] = prompt }, ChunkFrames = 16, Restart = restart };

    private static async Task WriteAsync(ResumableVideoOutput output, int until)
    {
        for (var i = output.FramesDone; i < until; i++) await output.WriteFrameAsync(Frame(i), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AnInterruptedOutputContinuesAndEndsIdenticalToAnUninterruptedOne()
    {
        SharedData.RequireFfmpeg();
        var ct = TestContext.Current.CancellationToken;
        await using (var whole = await ResumableVideoOutput.OpenAsync(Options("whole.mp4"), ct))
        {
            await WriteAsync(whole, Frames);
            await whole.CompleteAsync(ct);
        }

        var options = Options("resumed.mp4");
        await using (var first = await ResumableVideoOutput.OpenAsync(options, ct))
        {
            Assert.False(first.Resumed);
            await WriteAsync(first, 27); // one finished part (16) and 11 pending frames; disposed without completing
        }
        Assert.True(File.Exists(ResumableVideoOutput.StatePathOf(options.OutputPath)));
        Assert.False(File.Exists(options.OutputPath));
        // A torn frame at the end of the pending file (a crash mid-write) is dropped.
        await File.AppendAllTextAsync(Path.Combine(options.OutputPath + ".parts", "pending-00001.rgb"), "torn", ct);
        await using (var second = await ResumableVideoOutput.OpenAsync(options, ct))
        {
            Assert.True(second.Resumed);
            Assert.Equal(27, second.FramesDone);
            await WriteAsync(second, Frames);
            await second.CompleteAsync(ct);
        }
        Assert.False(File.Exists(ResumableVideoOutput.StatePathOf(options.OutputPath)));
        Assert.False(Directory.Exists(options.OutputPath + ".parts"));
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_dir, "whole.mp4"), ct), await File.ReadAllBytesAsync(options.OutputPath, ct));
        var decoded = await DecodeAsync(options.OutputPath);
        Assert.Equal(Frames * W * H * 3, decoded.Length);
    }

    [Fact]
    public async Task OtherParametersAreRefusedUnlessRestarted()
    {
        SharedData.RequireFfmpeg();
        var ct = TestContext.Current.CancellationToken;
        await using (var first = await ResumableVideoOutput.OpenAsync(Options("w.mp4"), ct)) await WriteAsync(first, 5);
        var error = await Assert.ThrowsAsync<SynthstageException>(() => ResumableVideoOutput.OpenAsync(Options("w.mp4", "a dog"), ct));
        Assert.Equal(ExitCodes.Usage, error.ExitCode);
        Assert.Contains("prompt: \"a cat\" → \"a dog\"", error.Message);
        Assert.Contains("--restart", error.Message);
        await using var restarted = await ResumableVideoOutput.OpenAsync(Options("w.mp4", "a dog", restart: true), ct);
        Assert.Equal(0, restarted.FramesDone);
    }

    [Fact]
    public async Task EachEncoderSettingIsPartOfTheKeyAndTheSameSettingsResume()
    {
        SharedData.RequireFfmpeg();
        var ct = TestContext.Current.CancellationToken;
        var original = Options("e.webm") with { Encoder = new EncoderSettings { Crf = 30, Preset = "ultrafast" } };
        await using (var first = await ResumableVideoOutput.OpenAsync(original, ct)) await WriteAsync(first, 5);
        var changes = new (string Difference, EncoderSettings Encoder)[]
        {
            ("output.crf: \"30\" → \"31\"", original.Encoder with { Crf = 31 }),
            ("output.preset: \"ultrafast\" → \"superfast\"", original.Encoder with { Preset = "superfast" }),
            ("output.vp9 deadline: \"realtime\" → \"good\"", original.Encoder with { Vp9Deadline = Vp9Deadline.Good }),
            ("output.format: (none) → \"webm\"", original.Encoder with { Format = OutputFormat.WebM }),
        };
        foreach (var (difference, encoder) in changes)
        {
            var refused = await Assert.ThrowsAsync<SynthstageException>(() => ResumableVideoOutput.OpenAsync(original with { Encoder = encoder }, ct));
            Assert.Equal(ExitCodes.Usage, refused.ExitCode);
            Assert.Contains(difference, refused.Message);
        }
        // Another format than the extension's is refused before the state is looked at: the parts could not be joined.
        var mismatch = await Assert.ThrowsAsync<SynthstageException>(() =>
            ResumableVideoOutput.OpenAsync(original with { Encoder = original.Encoder with { Format = OutputFormat.Mp4 } }, ct));
        Assert.Contains("does not match", mismatch.Message);
        await using var resumed = await ResumableVideoOutput.OpenAsync(original, ct);
        Assert.True(resumed.Resumed);
        Assert.Equal(5, resumed.FramesDone);
    }

    [Fact]
    public async Task AnOutputWithNoFramesLeavesNothingBehind()
    {
        SharedData.RequireFfmpeg();
        var options = Options("empty.mp4");
        await using (await ResumableVideoOutput.OpenAsync(options, TestContext.Current.CancellationToken)) { }
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    internal static async Task<byte[]> DecodeAsync(string video)
    {
        var raw = video + ".rgb";
        await KeyingJobTests.RunFfmpegAsync("-i", video, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
        try { return await File.ReadAllBytesAsync(raw); }
        finally { File.Delete(raw); }
    }
}
