using Synthstage.Media;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

public class VideoFrameWriterTests
{
    public VideoFrameWriterTests() => SharedData.RequireFfmpeg();

    [Theory]
    [InlineData(FramePixelFormat.Rgb24)]
    [InlineData(FramePixelFormat.Rgba32)]
    public async Task PngSequenceRoundTripsExactly(FramePixelFormat format)
    {
        using var dir = new ScratchFolder();
        var output = dir["frames"];
        await WritePatternAsync(new VideoWriterOptions(output, 321, 241, 24) { InputPixelFormat = format }, 4);

        Assert.Equal(["frames"], dir.Entries()); // no temporaries left beside it
        Assert.Equal(["frame_000001.png", "frame_000002.png", "frame_000003.png", "frame_000004.png"],
            Directory.GetFiles(output).Select(f => Path.GetFileName(f)).Order().ToArray());
        for (var i = 0; i < 4; i++)
        {
            var (frames, width, height) = await ReadAllAsync(Path.Combine(output, $"frame_{i + 1:000000}.png"), format);
            Assert.Equal((321, 241), (width, height));
            Assert.Equal(Pattern(321, 241, format, i), Assert.Single(frames));
        }
    }

    [Fact]
    public async Task SequenceMayTargetAnExistingEmptyFolder()
    {
        using var dir = new ScratchFolder();
        Directory.CreateDirectory(dir["frames"]);
        await WritePatternAsync(new VideoWriterOptions(dir["frames"] + "/", 32, 16, 24), 2);
        Assert.Equal(["frames"], dir.Entries());
        Assert.Equal(2, Directory.GetFiles(dir["frames"], "frame_*.png").Length);
    }

    [Fact]
    public async Task FramePatternWritesIntoAnExistingFolder()
    {
        using var dir = new ScratchFolder();
        File.WriteAllText(dir["keep.txt"], "unrelated");
        await WritePatternAsync(new VideoWriterOptions(dir["shot_%03d.png"], 32, 16, 24), 2);
        Assert.Equal(["keep.txt", "shot_001.png", "shot_002.png"], dir.Entries());
    }

    [Fact]
    public async Task SinglePngRoundTripsExactlyAndHoldsOneFrame()
    {
        using var dir = new ScratchFolder();
        var options = new VideoWriterOptions(dir["still.png"], 65, 33, 24) { InputPixelFormat = FramePixelFormat.Rgba32 };
        await using (var writer = VideoFrameWriter.Create(options))
        {
            await writer.WriteFrameAsync(Pattern(65, 33, FramePixelFormat.Rgba32, 5), Ct);
            await Assert.ThrowsAsync<InvalidOperationException>(async () => await writer.WriteFrameAsync(Pattern(65, 33, FramePixelFormat.Rgba32, 6), Ct));
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal(["still.png"], dir.Entries());
        var (frames, _, _) = await ReadAllAsync(dir["still.png"], FramePixelFormat.Rgba32);
        Assert.Equal(Pattern(65, 33, FramePixelFormat.Rgba32, 5), Assert.Single(frames));
    }

    [Fact]
    public async Task Mp4WithOddSizeRoundTripsWithinTolerance()
    {
        using var dir = new ScratchFolder();
        await WritePatternAsync(new VideoWriterOptions(dir["odd.mp4"], 321, 241, 24), 12);

        var info = await MediaProbe.ProbeAsync(dir["odd.mp4"], Ct);
        Assert.Equal(("h264", "yuv420p", 12), (info.VideoCodec, info.PixelFormat, info.FrameCount));
        Assert.Equal((322, 242), (info.Width, info.Height)); // padded to even, documented
        Assert.Equal(24.0, info.FrameRate, 1e-6);

        var (frames, width, _) = await ReadAllAsync(dir["odd.mp4"], FramePixelFormat.Rgb24);
        Assert.Equal(12, frames.Count);
        for (var i = 0; i < frames.Count; i++)
        {
            var expected = Pattern(321, 241, FramePixelFormat.Rgb24, i);
            var psnr = Psnr(expected, frames[i], 321, 241, width, 3);
            Assert.True(psnr > 35, $"frame {i}: PSNR {psnr:F1} dB");
            for (var c = 0; c < 3; c++)
                Assert.True(MeanAbsDiff(expected, frames[i], 321, 241, width, 3, c) < 2.5, $"frame {i} channel {c}");
        }
    }

    [Theory]
    [InlineData("flat.mp4")]
    [InlineData("flat.webm")]
    [InlineData("flat.mov")]
    public async Task KeepsFlatColours(string name)
    {
        using var dir = new ScratchFolder();
        byte[][] colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [128, 128, 128], [250, 200, 30]];
        var options = new VideoWriterOptions(dir[name], 64, 32, 30000 / 1001.0);
        await using (var writer = VideoFrameWriter.Create(options))
        {
            foreach (var colour in colours)
            {
                var frame = new byte[64 * 32 * 3];
                for (var p = 0; p < frame.Length; p += 3) colour.CopyTo(frame, p);
                await writer.WriteFrameAsync(frame, Ct);
            }
            await writer.CompleteAsync(Ct);
        }
        Assert.Equal("30000/1001", await StreamEntryAsync(dir[name], "v:0", "r_frame_rate"));
        Assert.Equal("bt709", await StreamEntryAsync(dir[name], "v:0", "color_space"));
        var (frames, _, _) = await ReadAllAsync(dir[name], FramePixelFormat.Rgb24);
        for (var i = 0; i < colours.Length; i++)
            for (var c = 0; c < 3; c++)
            {
                var centre = frames[i][(16 * 64 + 32) * 3 + c];
                Assert.True(Math.Abs(centre - colours[i][c]) <= 4, $"colour {i} channel {c}: wrote {colours[i][c]}, read {centre}");
            }
    }

    [Theory]
    [InlineData("alpha.webm", "vp9", 28)] // 4:2:0 chroma blurs the pattern's sharp blue wrap-around edges
    [InlineData("alpha.mov", "prores", 40)]
    public async Task RgbaKeepsAlphaAtOddSizes(string name, string codec, double minPsnr)
    {
        using var dir = new ScratchFolder();
        await WritePatternAsync(new VideoWriterOptions(dir[name], 97, 65, 24) { InputPixelFormat = FramePixelFormat.Rgba32, Encoder = EncoderSettings.Default with { Crf = 20 } }, 6);

        var info = await MediaProbe.ProbeAsync(dir[name], Ct);
        Assert.Equal(codec, info.VideoCodec);
        Assert.True(info.HasAlpha, $"pix_fmt {info.PixelFormat}");
        var (frames, width, height) = await ReadAllAsync(dir[name], FramePixelFormat.Rgba32);
        Assert.Equal((6, 97, 65), (frames.Count, width, height));
        for (var i = 0; i < frames.Count; i++)
        {
            var expected = Pattern(97, 65, FramePixelFormat.Rgba32, i);
            Assert.True(MeanAbsDiff(expected, frames[i], 97, 65, 97, 4, channel: 3) < 2, $"frame {i} alpha");
            var psnr = Psnr(expected, frames[i], 97, 65, 97, 4);
            Assert.True(psnr > minPsnr, $"frame {i}: colour PSNR {psnr:F1} dB");
            Assert.True(frames[i][3] < 8 && frames[i][96 * 4 + 3] > 247, $"frame {i}: alpha at the edges {frames[i][3]}, {frames[i][96 * 4 + 3]}");
        }
    }

    [Fact]
    public async Task ProResIs4444()
    {
        using var dir = new ScratchFolder();
        await WritePatternAsync(new VideoWriterOptions(dir["p.mov"], 64, 32, 25) { InputPixelFormat = FramePixelFormat.Rgba32 }, 2);
        Assert.Equal("4444", await StreamEntryAsync(dir["p.mov"], "v:0", "profile"));
        Assert.Equal("yuva444p12le", await StreamEntryAsync(dir["p.mov"], "v:0", "pix_fmt"));
    }

    [Fact]
    public async Task Mp4CopiesAacAudioBitExactly()
    {
        var source = await MediaProbe.ProbeAsync(Coffee, Ct);
        using var dir = new ScratchFolder();
        await WritePatternAsync(new VideoWriterOptions(dir["with-audio.mp4"], 160, 90, source.FrameRate) { AudioSourcePath = Coffee }, source.FrameCount);

        Assert.Equal(["with-audio.mp4"], dir.Entries());
        var output = await MediaProbe.ProbeAsync(dir["with-audio.mp4"], Ct);
        Assert.Equal(287, output.FrameCount);
        Assert.Equal("aac", Assert.Single(output.AudioStreams).Codec);
        var sourceDuration = ParseSeconds(await StreamEntryAsync(Coffee, "a:0", "duration"));
        var outputDuration = ParseSeconds(await StreamEntryAsync(dir["with-audio.mp4"], "a:0", "duration"));
        Assert.Equal(sourceDuration, outputDuration, 0.1);
        Assert.Equal(await AudioPacketsMd5Async(Coffee), await AudioPacketsMd5Async(dir["with-audio.mp4"]));
    }

    [Fact]
    public async Task LongerAudioIsCutToTheVideo()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "sine=frequency=440:duration=5", "-c:a", "aac", dir["tone.m4a"]);
        await WritePatternAsync(new VideoWriterOptions(dir["short.mov"], 64, 32, 24) { AudioSourcePath = dir["tone.m4a"] }, 24);

        Assert.Equal("aac", await StreamEntryAsync(dir["short.mov"], "a:0", "codec_name"));
        Assert.Equal(1.0, ParseSeconds(await StreamEntryAsync(dir["short.mov"], "a:0", "duration")), 0.1);
        Assert.Equal("24", await StreamEntryAsync(dir["short.mov"], "v:0", "nb_frames"));
    }

    [Fact]
    public async Task WebMReencodesAacToOpus()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-c:a", "aac", dir["tone.m4a"]);
        await WritePatternAsync(new VideoWriterOptions(dir["clip.webm"], 64, 32, 24) { AudioSourcePath = dir["tone.m4a"] }, 24);

        var info = await MediaProbe.ProbeAsync(dir["clip.webm"], Ct);
        Assert.Equal("opus", Assert.Single(info.AudioStreams).Codec);
        Assert.Equal(["clip.webm", "tone.m4a"], dir.Entries());
    }

    [Fact]
    public async Task AudioSourceWithoutAudioWritesVideoOnly()
    {
        using var dir = new ScratchFolder();
        await WritePatternAsync(new VideoWriterOptions(dir["out.mp4"], 64, 32, 24) { AudioSourcePath = Juggle }, 3);
        Assert.False((await MediaProbe.ProbeAsync(dir["out.mp4"], Ct)).HasAudio);
        Assert.Equal(["out.mp4"], dir.Entries());
    }

    [Theory]
    [InlineData("out.mp4", null)]
    [InlineData("out.mp4", "audio")]
    [InlineData("out.webm", null)]
    [InlineData("frames", null)]
    public async Task CancellationLeavesNothingBehind(string name, string? audio)
    {
        using var dir = new ScratchFolder();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var options = new VideoWriterOptions(dir[name], 64, 32, 24) { AudioSourcePath = audio is null ? null : Coffee };
        var writer = VideoFrameWriter.Create(options);
        for (var i = 0; i < 5; i++) await writer.WriteFrameAsync(Pattern(64, 32, FramePixelFormat.Rgb24, i), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.WriteFrameAsync(Pattern(64, 32, FramePixelFormat.Rgb24, 5), cts.Token));
        await writer.DisposeAsync();
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public async Task CancellingCompleteLeavesNothingBehind()
    {
        using var dir = new ScratchFolder();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var writer = VideoFrameWriter.Create(new VideoWriterOptions(dir["out.mp4"], 64, 32, 24));
        for (var i = 0; i < 5; i++) await writer.WriteFrameAsync(Pattern(64, 32, FramePixelFormat.Rgb24, i), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CompleteAsync(cts.Token));
        await writer.DisposeAsync();
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public async Task DisposingWithoutCompletingKeepsTheOldFile()
    {
        using var dir = new ScratchFolder();
        File.WriteAllText(dir["out.mp4"], "previous render");
        await using (var writer = VideoFrameWriter.Create(new VideoWriterOptions(dir["out.mp4"], 64, 32, 24)))
            await writer.WriteFrameAsync(Pattern(64, 32, FramePixelFormat.Rgb24, 0), Ct);
        Assert.Equal(["out.mp4"], dir.Entries());
        Assert.Equal("previous render", File.ReadAllText(dir["out.mp4"]));

        await WritePatternAsync(new VideoWriterOptions(dir["out.mp4"], 64, 32, 24), 2);
        Assert.Equal(2, (await MediaProbe.ProbeAsync(dir["out.mp4"], Ct)).FrameCount);
    }

    [Fact]
    public void MissingOrUnwritableFolderIsBadOutput()
    {
        using var dir = new ScratchFolder();
        string[] outputs = [dir["missing/out.mp4"], dir["missing/frames/"], dir["missing/f_%04d.png"], "/proc/synthstage-out.mp4"];
        foreach (var output in outputs)
        {
            var e = Assert.Throws<SynthstageException>(() => VideoFrameWriter.Create(new VideoWriterOptions(output, 64, 32, 24)));
            Assert.Equal(ExitCodes.BadOutput, e.ExitCode);
            Assert.DoesNotContain('\n', e.Message);
        }
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void NonEmptySequenceFolderIsBadOutput()
    {
        using var dir = new ScratchFolder();
        Directory.CreateDirectory(dir["frames"]);
        File.WriteAllText(dir["frames/old.png"], "x");
        var e = Assert.Throws<SynthstageException>(() => VideoFrameWriter.Create(new VideoWriterOptions(dir["frames"], 64, 32, 24)));
        Assert.Equal(ExitCodes.BadOutput, e.ExitCode);
    }

    [Fact]
    public void RejectsUnusableOptions()
    {
        using var dir = new ScratchFolder();
        Assert.Equal(ExitCodes.Usage, Assert.Throws<SynthstageException>(() => VideoFrameWriter.Create(new VideoWriterOptions(dir["a.avi"], 64, 32, 24))).ExitCode);
        Assert.Equal(ExitCodes.Usage, Assert.Throws<SynthstageException>(() =>
            VideoFrameWriter.Create(new VideoWriterOptions(dir["a.png"], 64, 32, 24) { AudioSourcePath = Coffee })).ExitCode);
        Assert.Equal(ExitCodes.BadInput, Assert.Throws<SynthstageException>(() =>
            VideoFrameWriter.Create(new VideoWriterOptions(dir["a.mp4"], 64, 32, 24) { AudioSourcePath = dir["nope.wav"] })).ExitCode);
        Assert.Throws<ArgumentOutOfRangeException>(() => VideoFrameWriter.Create(new VideoWriterOptions(dir["a.mp4"], 0, 32, 24)));
        Assert.Throws<ArgumentOutOfRangeException>(() => VideoFrameWriter.Create(new VideoWriterOptions(dir["a.mp4"], 64, 32, 0)));
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public async Task RejectsWrongFrameSizeAndEmptyOutput()
    {
        using var dir = new ScratchFolder();
        await using (var writer = VideoFrameWriter.Create(new VideoWriterOptions(dir["a.mp4"], 64, 32, 24)))
        {
            await Assert.ThrowsAsync<ArgumentException>(async () => await writer.WriteFrameAsync(new byte[10], Ct));
            var e = await Assert.ThrowsAsync<SynthstageException>(() => writer.CompleteAsync(Ct));
            Assert.Contains("no frames", e.Message);
        }
        Assert.Empty(dir.Entries());
    }
}
