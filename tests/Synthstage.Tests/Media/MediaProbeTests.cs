using Synthstage.Media;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

public class MediaProbeTests
{
    public MediaProbeTests() => SharedData.RequireFfmpeg();

    [Fact]
    public async Task ProbesJuggle()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        Assert.Equal((1280, 720), (info.Width, info.Height));
        Assert.Equal((1280, 720), (info.DisplayWidth, info.DisplayHeight));
        Assert.Equal(24.0, info.FrameRate, 1e-6);
        Assert.False(info.IsVariableFrameRate);
        Assert.Equal(247, info.FrameCount);
        Assert.True(info.FrameCountIsExact);
        Assert.Equal(247 / 24.0, info.Duration.TotalSeconds, 0.05);
        Assert.Equal(0, info.Rotation);
        Assert.Equal("h264", info.VideoCodec);
        Assert.False(info.IsStillImage);
        Assert.False(info.HasAudio);
        Assert.False(info.HasAlpha);
        Assert.True(Path.IsPathFullyQualified(info.Path));
    }

    [Fact]
    public async Task ProbesCoffeeWithAudio()
    {
        var info = await MediaProbe.ProbeAsync(Coffee, Ct);
        Assert.Equal((1280, 720), (info.Width, info.Height));
        Assert.Equal(30000 / 1001.0, info.FrameRate, 1e-6);
        Assert.Equal(287, info.FrameCount);
        Assert.True(info.HasAudio);
        var audio = Assert.Single(info.AudioStreams);
        Assert.Equal(new AudioStreamInfo(1, "aac", 48000, 2), audio);
    }

    [Fact]
    public async Task StillImagesAreOneFrame()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", dir["still.png"]);
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", dir["still.jpg"]);
        foreach (var name in new[] { "still.png", "still.jpg" })
        {
            var info = await MediaProbe.ProbeAsync(dir[name], Ct);
            Assert.True(info.IsStillImage, name);
            Assert.Equal(1, info.FrameCount);
            Assert.Equal((64, 48), (info.Width, info.Height));
            Assert.Equal(TimeSpan.Zero, info.Duration);
        }
    }

    [Fact]
    public async Task ReadsRotationAndSwapsDisplaySize()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24", "-t", "0.5", "-c:v", "libx264", "-preset", "ultrafast", dir["plain.mp4"]);
        await FfmpegAsync("-i", dir["plain.mp4"], "-c", "copy", "-metadata:s:v:0", "rotate=90", dir["rotated.mp4"]);
        var info = await MediaProbe.ProbeAsync(dir["rotated.mp4"], Ct);
        Assert.Contains(info.Rotation, new[] { 90, 270 });
        Assert.Equal((320, 240), (info.Width, info.Height));
        Assert.Equal((240, 320), (info.DisplayWidth, info.DisplayHeight));
    }

    [Fact]
    public async Task DetectsVariableFrameRate()
    {
        using var dir = new ScratchFolder();
        // Keep frames 0,1 of every 4: timestamps advance irregularly, so the average rate (12) differs from the base rate (24).
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=24", "-t", "2", "-vf", "select='lt(mod(n\\,4)\\,2)'",
            "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", dir["vfr.mp4"]);
        var info = await MediaProbe.ProbeAsync(dir["vfr.mp4"], Ct);
        Assert.True(info.IsVariableFrameRate, $"avg {info.FrameRate}");
        Assert.Equal(24, info.FrameCount);
    }

    [Fact]
    public async Task EstimatesFrameCountWhenContainerHasNone()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-t", "2", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", dir["clip.webm"]);
        var info = await MediaProbe.ProbeAsync(dir["clip.webm"], Ct);
        Assert.False(info.FrameCountIsExact);
        Assert.InRange(info.FrameCount, 49, 51);
    }

    [Fact]
    public async Task RejectsBadInputsWithBadInputNamingTheFile()
    {
        using var dir = new ScratchFolder();
        File.WriteAllText(dir["notes.txt"], "this is just text, not a video\n");
        File.WriteAllBytes(dir["empty.mp4"], []);
        File.WriteAllBytes(dir["noise.mp4"], Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251)).ToArray());
        await FfmpegAsync("-f", "lavfi", "-i", "sine=duration=1", dir["tone.wav"]);
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "0", dir["zero.mp4"]);
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=64x48", "-frames:v", "1", dir["cover.png"]);
        // An MP3 with album art has a "video" stream that is only an attached picture.
        await FfmpegAsync("-f", "lavfi", "-i", "sine=duration=1", "-i", dir["cover.png"], "-map", "0", "-map", "1",
            "-c:a", "libmp3lame", "-c:v", "png", "-disposition:v", "attached_pic", dir["song.mp3"]);

        foreach (var path in new[] { dir["missing.mp4"], dir.Path, dir["notes.txt"], dir["empty.mp4"], dir["noise.mp4"], dir["tone.wav"], dir["zero.mp4"], dir["song.mp3"] })
        {
            var e = await Assert.ThrowsAsync<SynthstageException>(() => MediaProbe.ProbeAsync(path, Ct));
            Assert.Equal(ExitCodes.BadInput, e.ExitCode);
            Assert.Contains(path, e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public async Task UnreadableFileIsBadInput()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
            Assert.Skip("needs Unix file permissions as a non-root user");
        using var dir = new ScratchFolder();
        var path = dir["locked.mp4"];
        File.Copy(Juggle, path);
#pragma warning disable CA1416 // guarded by the skip above
        File.SetUnixFileMode(path, UnixFileMode.None);
#pragma warning restore CA1416
        var e = await Assert.ThrowsAsync<SynthstageException>(() => MediaProbe.ProbeAsync(path, Ct));
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
    }

    [Fact]
    public async Task ProbesAudioOnlyFiles()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "sine=duration=1:sample_rate=44100", "-c:a", "aac", dir["tone.m4a"]);
        var audio = Assert.Single(await MediaProbe.ProbeAudioAsync(dir["tone.m4a"], Ct));
        Assert.Equal(("aac", 44100, 1), (audio.Codec, audio.SampleRate, audio.Channels));
    }
}
