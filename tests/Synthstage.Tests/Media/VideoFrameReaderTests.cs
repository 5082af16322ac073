using Synthstage.Media;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

public class VideoFrameReaderTests
{
    public VideoFrameReaderTests() => SharedData.RequireFfmpeg();

    [Fact]
    public async Task ReadsEveryFrameOfJuggle()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        Assert.Equal((1280, 720, 1280 * 720 * 3), (reader.Width, reader.Height, reader.FrameSizeBytes));
        var buffer = new byte[reader.FrameSizeBytes];
        while (await reader.ReadFrameAsync(buffer, Ct)) { }
        Assert.Equal(247, reader.FramesRead);
        Assert.False(reader.EndedEarly, reader.Warning);
        Assert.Null(reader.Warning);
        Assert.False(await reader.ReadFrameAsync(buffer, Ct)); // stays at the end
    }

    [Fact]
    public async Task ReadsEveryFrameOfCoffeeAsOpaqueRgba()
    {
        var info = await MediaProbe.ProbeAsync(Coffee, Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgba32);
        var buffer = new byte[reader.FrameSizeBytes + 16]; // larger buffers are fine
        var first = true;
        while (await reader.ReadFrameAsync(buffer, Ct))
        {
            if (!first) continue;
            first = false;
            for (var i = 3; i < reader.FrameSizeBytes; i += 4) Assert.Equal(255, buffer[i]);
        }
        Assert.Equal(287, reader.FramesRead);
        Assert.False(reader.EndedEarly, reader.Warning);
    }

    [Fact]
    public async Task ScalesKeepingAspectWhenOnlyWidthIsGiven()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24, width: 320);
        Assert.Equal((320, 180), (reader.Width, reader.Height));
        Assert.True(await reader.ReadFrameAsync(new byte[320 * 180 * 3], Ct));
    }

    [Fact]
    public async Task RejectsTooSmallBuffer()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24, 64, 36);
        await Assert.ThrowsAsync<ArgumentException>(async () => await reader.ReadFrameAsync(new byte[10], Ct));
    }

    [Fact]
    public async Task AppliesRotation()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=64x48:rate=24", "-frames:v", "3", "-c:v", "libx264", "-preset", "ultrafast", dir["plain.mp4"]);
        await FfmpegAsync("-i", dir["plain.mp4"], "-c", "copy", "-metadata:s:v:0", "rotate=90", dir["rotated.mp4"]);
        var plain = await ReadAllAsync(dir["plain.mp4"], FramePixelFormat.Rgb24);
        var rotated = await ReadAllAsync(dir["rotated.mp4"], FramePixelFormat.Rgb24);
        var rotation = (await MediaProbe.ProbeAsync(dir["rotated.mp4"], Ct)).Rotation;
        Assert.Equal((48, 64), (rotated.Width, rotated.Height));
        Assert.Equal(3, rotated.Frames.Count);

        // The same bitstream decodes to the same pixels; the rotated file's frame is the plain one turned clockwise by Rotation.
        var src = plain.Frames[0];
        var dst = rotated.Frames[0];
        long diff = 0;
        for (var y = 0; y < 48; y++)
            for (var x = 0; x < 64; x++)
            {
                var (dx, dy) = rotation == 90 ? (47 - y, x) : (y, 63 - x);
                for (var c = 0; c < 3; c++) diff += Math.Abs(src[(y * 64 + x) * 3 + c] - dst[(dy * 48 + dx) * 3 + c]);
            }
        Assert.True(diff / (64.0 * 48 * 3) < 1.0, $"rotation {rotation}: mean abs diff {diff / (64.0 * 48 * 3)}");
    }

    [Fact]
    public async Task VariableFrameRateYieldsEachSourceFrameOnce()
    {
        using var dir = new ScratchFolder();
        await FfmpegAsync("-f", "lavfi", "-i", "testsrc2=size=96x64:rate=24", "-t", "2", "-vf", "select='lt(mod(n\\,4)\\,2)'",
            "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "ultrafast", dir["vfr.mp4"]);
        var (frames, _, _) = await ReadAllAsync(dir["vfr.mp4"], FramePixelFormat.Rgb24);
        Assert.Equal(24, frames.Count);
    }

    [Fact]
    public async Task TruncatedVideoDeliversWhatDecodesAndEndsEarly()
    {
        using var dir = new ScratchFolder();
        var bytes = await File.ReadAllBytesAsync(Juggle, Ct);
        await File.WriteAllBytesAsync(dir["cut.mp4"], bytes.AsMemory(0, bytes.Length * 40 / 100).ToArray(), Ct);

        var info = await MediaProbe.ProbeAsync(dir["cut.mp4"], Ct);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24, 320, 180);
        var buffer = new byte[reader.FrameSizeBytes];
        while (await reader.ReadFrameAsync(buffer, Ct)) { }
        Assert.InRange(reader.FramesRead, 1, 246);
        Assert.True(reader.EndedEarly);
        Assert.NotNull(reader.Warning);
        Assert.Contains("cut.mp4", reader.Warning);
    }

    [Fact]
    public async Task TruncatedVideoWithNothingDecodableIsBadInput()
    {
        using var dir = new ScratchFolder();
        var bytes = await File.ReadAllBytesAsync(Juggle, Ct);
        // Keep the header (the moov atom sits at the front) but only a sliver of the first frame's data.
        var moovEnd = 0;
        await using (var source = File.OpenRead(Juggle))
        {
            var header = new byte[8];
            long offset = 0;
            while (offset < bytes.Length)
            {
                source.Position = offset;
                source.ReadExactly(header);
                var size = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header);
                var type = System.Text.Encoding.ASCII.GetString(header, 4, 4);
                if (type == "mdat") { moovEnd = (int)offset; break; }
                offset += size;
            }
        }
        Assert.True(moovEnd > 0, "juggle.mp4 has no mdat after its moov");
        await File.WriteAllBytesAsync(dir["head.mp4"], bytes.AsMemory(0, moovEnd + 200).ToArray(), Ct);

        var e = await Assert.ThrowsAsync<SynthstageException>(async () =>
        {
            var info = await MediaProbe.ProbeAsync(dir["head.mp4"], Ct);
            await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24, 64, 36);
            var buffer = new byte[reader.FrameSizeBytes];
            while (await reader.ReadFrameAsync(buffer, Ct)) { }
        });
        Assert.Equal(ExitCodes.BadInput, e.ExitCode);
        Assert.Contains("head.mp4", e.Message);
    }

    [Fact]
    public async Task CancellationStopsTheRead()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var buffer = new byte[reader.FrameSizeBytes];
        Assert.True(await reader.ReadFrameAsync(buffer, cts.Token));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadFrameAsync(buffer, cts.Token));
        var disposing = reader.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(10), Ct)));
    }

    [Fact]
    public async Task DisposeBeforeTheEndKillsFfmpeg()
    {
        var info = await MediaProbe.ProbeAsync(Juggle, Ct);
        var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        Assert.True(await reader.ReadFrameAsync(new byte[reader.FrameSizeBytes], Ct));
        var disposing = reader.DisposeAsync().AsTask();
        Assert.Same(disposing, await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(10), Ct)));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await reader.ReadFrameAsync(new byte[reader.FrameSizeBytes], Ct));
    }
}
