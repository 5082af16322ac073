using Synthstage.Media;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

/// <summary>Tests that measure process-wide allocations or change environment variables run alone.</summary>
[CollectionDefinition(nameof(MediaSerialTests), DisableParallelization = true)]
public sealed class MediaSerialCollection;

[Collection(nameof(MediaSerialTests))]
public class MediaSerialTests
{
    public MediaSerialTests() => SharedData.RequireFfmpeg();

    [Fact]
    public async Task ReadingAllOfJuggleAllocatesAlmostNothing()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        var buffer = new byte[info.Width * info.Height * 3];
        // Warm up code paths (JIT, pools) on a short read first.
        await using (var warm = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
            for (var i = 0; i < 3; i++) await warm.ReadFrameAsync(buffer, Ct);

        var before = GC.GetTotalAllocatedBytes(precise: true);
        long steady;
        int frames;
        await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
        {
            for (var i = 0; i < 10; i++) Assert.True(await reader.ReadFrameAsync(buffer, Ct));
            var afterTen = GC.GetTotalAllocatedBytes(precise: true);
            while (await reader.ReadFrameAsync(buffer, Ct)) { }
            steady = GC.GetTotalAllocatedBytes(precise: true) - afterTen;
            frames = reader.FramesRead;
        }
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.Equal(247, frames);
        // One frame is 2.7 MB. Starting ffmpeg costs some KB; the 237 frames after the first ten must cost next to nothing
        // (the budget covers the test host's own background allocations, ~5 KB/s; before the pipe thread it was ~1.1 MB).
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated:N0} bytes in total reading {frames} frames");
        Assert.True(steady < 256 * 1024, $"allocated {steady:N0} bytes over {frames - 10} frames in steady state");
    }

    [Fact]
    public async Task WritingFramesAllocatesAlmostNothing()
    {
        using var dir = new ScratchFolder();
        var frame = Pattern(320, 180, FramePixelFormat.Rgb24, 0);
        await using var writer = VideoFrameWriter.Create(new VideoWriterOptions(dir["a.mp4"], 320, 180, 24) { Encoder = EncoderSettings.Default with { Preset = "ultrafast" } });
        for (var i = 0; i < 10; i++) await writer.WriteFrameAsync(frame, Ct);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 240; i++) await writer.WriteFrameAsync(frame, Ct);
        var steady = GC.GetTotalAllocatedBytes(precise: true) - before;
        await writer.CompleteAsync(Ct);
        Assert.True(steady < 256 * 1024, $"allocated {steady:N0} bytes writing 240 frames");
    }

    [Fact]
    public void MissingFfmpegHasAClearMessage()
    {
        var saved = Environment.GetEnvironmentVariable("SYNTHSTAGE_FFMPEG");
        try
        {
            Environment.SetEnvironmentVariable("SYNTHSTAGE_FFMPEG", "/nonexistent/ffmpeg");
            var e = Assert.Throws<SynthstageException>(() => FfmpegTools.FfmpegPath);
            Assert.Equal($"ffmpeg not found on PATH (or SYNTHSTAGE_FFMPEG); install it: {FfmpegTools.InstallCommand}", e.Message);
            Assert.False(FfmpegTools.IsAvailable);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SYNTHSTAGE_FFMPEG", saved);
        }
        Assert.True(FfmpegTools.IsAvailable);
    }
}
