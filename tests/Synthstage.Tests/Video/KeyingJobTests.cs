using System.Diagnostics;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Segmentation;
using Synthstage.Video;

namespace Synthstage.Tests.Video;

public sealed class KeyingJobTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-jobs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<KeyingOptions> OptionsAsync() => new() { Store = await TestModels.RequireSelfieStoreAsync() };

    [Fact]
    public async Task CompositeKeepsFrameCountRateAndAudioOfCoffee()
    {
        SharedData.RequireFfmpeg();
        var coffee = SharedData.Require("footage/coffee.mp4");
        var output = Path.Combine(_dir, "coffee.mp4");
        var result = await CompositeJob.RunAsync(coffee, output, new BackgroundSpec.Solid(0, 128, 255), await OptionsAsync(),
            ct: TestContext.Current.CancellationToken);

        Assert.Equal(287, result.FramesWritten);
        Assert.Null(result.Warning);
        var source = await MediaProbe.ProbeAsync(coffee, TestContext.Current.CancellationToken);
        var written = await MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(287, written.FrameCount);
        Assert.Equal(source.FrameRate, written.FrameRate, 3);
        Assert.Equal((1280, 720), (written.Width, written.Height));
        Assert.Equal("aac", Assert.Single(written.AudioStreams).Codec);
        Assert.Equal(await AudioMd5Async(coffee), await AudioMd5Async(output));
        Assert.Equal([output], Directory.GetFileSystemEntries(_dir)); // credentials are inside the file: no sidecar, no temporary
        await Synthstage.Tests.Provenance.C2pa.C2paRecord.ReadAsync(output);
    }

    [Fact]
    public async Task MatteMaskMarksThePersonAndNotTheLawn()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var output = Path.Combine(_dir, "mask.mp4");
        var result = await MatteJob.RunAsync(juggle, output, MatteOutputKind.Mask, await OptionsAsync(), ct: TestContext.Current.CancellationToken);
        Assert.Equal(247, result.FramesWritten);

        var info = await MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var frame = new byte[reader.FrameSizeBytes];
        for (var i = 0; i <= 100; i++) Assert.True(await reader.ReadFrameAsync(frame, TestContext.Current.CancellationToken));
        byte At(double fx, double fy) => frame[((int)(fy * 720) * 1280 + (int)(fx * 1280)) * 3];
        // Frame 100: the juggler's shirt is near (0.59, 0.40) of the frame; the lawn at (0.15, 0.75).
        Assert.True(At(0.59, 0.40) > 200, $"torso mask {At(0.59, 0.40)}");
        Assert.True(At(0.15, 0.75) < 30, $"lawn mask {At(0.15, 0.75)}");
    }

    [Fact]
    public async Task MatteOfAStillImageIsAPngWithAlpha()
    {
        SharedData.RequireFfmpeg();
        var still = Path.Combine(_dir, "still.png");
        await RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-vf", "select=eq(n\\,100)", "-frames:v", "1", still);
        var output = Path.Combine(_dir, "still-alpha.png");
        var options = await OptionsAsync() with { Model = "general" };
        var result = await MatteJob.RunAsync(still, output, MatteOutputKind.Auto, options, ct: TestContext.Current.CancellationToken);
        Assert.Equal(1, result.FramesWritten);
        using var bitmap = SkiaSharp.SKBitmap.Decode(output);
        Assert.Equal((1280, 720), (bitmap.Width, bitmap.Height));
        // The white shirt is subject (opaque); the wooden wall at the left edge is not.
        Assert.True(bitmap.GetPixel(580, 250).Alpha > 200, $"shirt alpha {bitmap.GetPixel(580, 250).Alpha}");
        Assert.True(bitmap.GetPixel(40, 300).Alpha < 50, $"wall alpha {bitmap.GetPixel(40, 300).Alpha}");
    }

    [Fact]
    public async Task OddSizedClipWithoutAudioComposites()
    {
        SharedData.RequireFfmpeg();
        var clip = Path.Combine(_dir, "odd.mp4");
        await RunFfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=321x241:rate=10:duration=1", "-pix_fmt", "yuv444p", "-c:v", "libx264", clip);
        var output = Path.Combine(_dir, "odd-out.mp4");
        var result = await CompositeJob.RunAsync(clip, output, new BackgroundSpec.Blur(), await OptionsAsync(), ct: TestContext.Current.CancellationToken);
        Assert.Equal(10, result.FramesWritten);
        var info = await MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(10, info.FrameCount);
        Assert.Empty(info.AudioStreams);
    }

    [Fact]
    public async Task UltraHdClipCompositesWithFewerFramesInFlight()
    {
        SharedData.RequireFfmpeg();
        var clip = Path.Combine(_dir, "uhd.mp4");
        await RunFfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=3840x2160:rate=5:duration=0.6", "-c:v", "libx264", "-preset", "ultrafast", clip);
        var output = Path.Combine(_dir, "uhd-out.mp4");
        var result = await CompositeJob.RunAsync(clip, output, new BackgroundSpec.Blur(), await OptionsAsync() with { Encoder = Synthstage.Media.EncoderSettings.Default with { Preset = "ultrafast" } }, ct: TestContext.Current.CancellationToken);
        Assert.Equal(3, result.FramesWritten);
        var info = await MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal((3840, 2160), (info.Width, info.Height));
        Assert.Equal(6, KeyedFrameStages.PipelineDepth(1280 * 720 * 3));
        Assert.Equal(2, KeyedFrameStages.PipelineDepth(7680L * 4320 * 7));
    }

    [Fact]
    public async Task TruncatedClipRendersWhatDecodesAndWarns()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var bytes = await File.ReadAllBytesAsync(juggle, TestContext.Current.CancellationToken);
        var truncated = Path.Combine(_dir, "truncated.mp4");
        // A fragmented copy keeps decodable frames up to the cut.
        var fragmented = Path.Combine(_dir, "frag.mp4");
        await RunFfmpegAsync("-i", juggle, "-c", "copy", "-movflags", "frag_keyframe+empty_moov", fragmented);
        var frag = await File.ReadAllBytesAsync(fragmented, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(truncated, frag.AsSpan(0, frag.Length * 4 / 10).ToArray(), TestContext.Current.CancellationToken);
        Assert.True(bytes.Length > 0);

        var output = Path.Combine(_dir, "truncated-out.mp4");
        var result = await CompositeJob.RunAsync(truncated, output, new BackgroundSpec.Solid(0, 0, 0), await OptionsAsync(), ct: TestContext.Current.CancellationToken);
        Assert.InRange(result.FramesWritten, 1, 246);
        Assert.True(File.Exists(output));
        Assert.Equal(result.FramesWritten, (await MediaProbe.ProbeAsync(output, TestContext.Current.CancellationToken)).FrameCount);
        // The warning names the file, says it is damaged, how many frames were rendered, and why decoding stopped.
        Assert.NotNull(result.Warning);
        Assert.StartsWith($"'truncated.mp4' is damaged or truncated: rendered the {result.FramesWritten} frames that decode (input '", result.Warning);
        Assert.Contains($"ended early after {result.FramesWritten} frames; ", result.Warning);
        Assert.EndsWith(")", result.Warning);
    }

    [Fact]
    public async Task CancellationLeavesNothingUnderTheOutputName()
    {
        SharedData.RequireFfmpeg();
        var juggle = SharedData.Require("footage/juggle.mp4");
        var options = await OptionsAsync();
        var output = Path.Combine(_dir, "cancelled.mp4");
        using var cts = new CancellationTokenSource();
        var progress = new CancelAfter(30, cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            CompositeJob.RunAsync(juggle, output, new BackgroundSpec.Solid(1, 2, 3), options, progress, cts.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public async Task BadInputsFailWithClearErrors()
    {
        SharedData.RequireFfmpeg();
        var options = await OptionsAsync();
        var text = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(text, "not a video", TestContext.Current.CancellationToken);
        var empty = Path.Combine(_dir, "empty.mp4");
        await File.WriteAllBytesAsync(empty, [], TestContext.Current.CancellationToken);

        foreach (var input in new[] { Path.Combine(_dir, "missing.mp4"), text, empty })
        {
            var ex = await Assert.ThrowsAsync<SynthstageException>(() =>
                CompositeJob.RunAsync(input, Path.Combine(_dir, "o.mp4"), new BackgroundSpec.Blur(), options, ct: TestContext.Current.CancellationToken));
            Assert.Equal(ExitCodes.BadInput, ex.ExitCode);
            Assert.Contains(Path.GetFileName(input), ex.Message);
            Assert.DoesNotContain('\n', ex.Message);
        }

        var noFolder = await Assert.ThrowsAsync<SynthstageException>(() => CompositeJob.RunAsync(SharedData.Require("footage/coffee.mp4"),
            Path.Combine(_dir, "no", "such", "folder", "o.mp4"), new BackgroundSpec.Blur(), options, ct: TestContext.Current.CancellationToken));
        Assert.Equal(ExitCodes.BadOutput, noFolder.ExitCode);
        Assert.False(File.Exists(Path.Combine(_dir, "o.mp4")));
    }

    private sealed class CancelAfter(int frames, CancellationTokenSource cts) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            if (value.Stage == "render" && value.Done >= frames) cts.Cancel();
        }
    }

    internal static async Task<string> AudioMd5Async(string path)
    {
        var (stdout, _) = await RunFfmpegAsync("-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-");
        return stdout.Trim();
    }

    internal static async Task<(string Stdout, string Stderr)> RunFfmpegAsync(params string[] args)
    {
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-v", "error", "-y" }.Concat(args)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {string.Join(' ', args)}: {await stderr}");
        return (await stdout, await stderr);
    }
}
