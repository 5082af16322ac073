using System.Globalization;
using Synthstage.Media;

namespace Synthstage.Tests.Media;

/// <summary>
/// Shared pieces of the media tests: a scratch folder, ffmpeg/ffprobe runs that fail the test on error,
/// synthetic frames with smooth content (so lossy codecs can be checked against a tolerance), and pixel metrics.
/// </summary>
internal static class MediaTestKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string Juggle => SharedData.Require("footage/juggle.mp4");

    public static string Coffee => SharedData.Require("footage/coffee.mp4");

    /// <summary>Runs ffmpeg with the given arguments (after -y -v error) and fails the test when it fails.</summary>
    public static async Task FfmpegAsync(params string[] args)
    {
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, ["-nostdin", "-hide_banner", "-y", "-v", "error", .. args], Ct);
        Assert.True(result.ExitCode == 0, $"ffmpeg {string.Join(' ', args)} failed: {result.StandardError}");
    }

    /// <summary>Runs ffprobe and returns trimmed stdout.</summary>
    public static async Task<string> FfprobeAsync(params string[] args)
    {
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfprobePath, ["-v", "error", .. args], Ct);
        Assert.True(result.ExitCode == 0, $"ffprobe {string.Join(' ', args)} failed: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>One entry of the first stream selected by <paramref name="selector"/> (e.g. "a:0", "codec_name").</summary>
    public static Task<string> StreamEntryAsync(string path, string selector, string entry) =>
        FfprobeAsync("-select_streams", selector, "-show_entries", "stream=" + entry, "-of", "default=nw=1:nk=1", path);

    /// <summary>MD5 over all audio packets, copied without decoding (bit-exactness of a stream copy).</summary>
    public static async Task<string> AudioPacketsMd5Async(string path)
    {
        var result = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath,
            ["-nostdin", "-v", "error", "-i", path, "-map", "0:a", "-c", "copy", "-f", "md5", "-"], Ct);
        Assert.Equal(0, result.ExitCode);
        return result.StandardOutput.Trim();
    }

    /// <summary>
    /// A deterministic, smooth test frame: colour gradients plus a block that moves with <paramref name="index"/>;
    /// with RGBA the alpha rises from 0 at the left edge to 255 at the right edge.
    /// </summary>
    public static byte[] Pattern(int width, int height, FramePixelFormat format, int index)
    {
        var bpp = format.BytesPerPixel();
        var frame = new byte[width * height * bpp];
        for (var y = 0; y < height; y++)
        {
            var row = frame.AsSpan(y * width * bpp, width * bpp);
            for (var x = 0; x < width; x++)
            {
                var inBlock = x >= (index * 7) % width && x < (index * 7) % width + width / 6 && y >= height / 3 && y < height / 2;
                var p = row.Slice(x * bpp, bpp);
                p[0] = (byte)(inBlock ? 230 : 255 * x / Math.Max(1, width - 1));
                p[1] = (byte)(inBlock ? 40 : 255 * y / Math.Max(1, height - 1));
                p[2] = (byte)((64 + 3 * index + (x + y) / 4) % 256);
                if (bpp == 4) p[3] = (byte)(255 * x / Math.Max(1, width - 1));
            }
        }
        return frame;
    }

    /// <summary>Writes <paramref name="count"/> pattern frames with the given options and completes the writer.</summary>
    public static async Task WritePatternAsync(VideoWriterOptions options, int count)
    {
        await using var writer = VideoFrameWriter.Create(options);
        for (var i = 0; i < count; i++)
            await writer.WriteFrameAsync(Pattern(options.Width, options.Height, options.InputPixelFormat, i), Ct);
        await writer.CompleteAsync(Ct);
    }

    /// <summary>Decodes every frame of <paramref name="path"/>.</summary>
    public static async Task<(List<byte[]> Frames, int Width, int Height)> ReadAllAsync(string path, FramePixelFormat format)
    {
        var info = await MediaProbe.ProbeAsync(path, Ct);
        await using var reader = VideoFrameReader.Open(info, format);
        var frames = new List<byte[]>();
        while (true)
        {
            var buffer = new byte[reader.FrameSizeBytes];
            if (!await reader.ReadFrameAsync(buffer, Ct)) break;
            frames.Add(buffer);
        }
        Assert.False(reader.EndedEarly, reader.Warning);
        return (frames, reader.Width, reader.Height);
    }

    /// <summary>Mean absolute difference of one channel over the top-left <paramref name="width"/>×<paramref name="height"/>
    /// region, where <paramref name="actual"/> may be wider (padded) than <paramref name="expected"/>.</summary>
    public static double MeanAbsDiff(byte[] expected, byte[] actual, int width, int height, int actualWidth, int bpp, int channel)
    {
        long sum = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                sum += Math.Abs(expected[(y * width + x) * bpp + channel] - actual[(y * actualWidth + x) * bpp + channel]);
        return (double)sum / (width * height);
    }

    /// <summary>PSNR in dB over the colour channels of the top-left region (see <see cref="MeanAbsDiff"/>).</summary>
    public static double Psnr(byte[] expected, byte[] actual, int width, int height, int actualWidth, int bpp)
    {
        double squares = 0;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                for (var c = 0; c < 3; c++)
                {
                    double d = expected[(y * width + x) * bpp + c] - actual[(y * actualWidth + x) * bpp + c];
                    squares += d * d;
                }
        var mse = squares / (width * height * 3.0);
        return mse == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    public static double ParseSeconds(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}

/// <summary>A scratch folder under the system temp folder, deleted on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Path = Directory.CreateTempSubdirectory("ss-media-").FullName;

    public string Path { get; }

    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Names of everything in the folder, hidden temporaries included.</summary>
    public string[] Entries() => Directory.EnumerateFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { /* best effort */ }
    }
}
