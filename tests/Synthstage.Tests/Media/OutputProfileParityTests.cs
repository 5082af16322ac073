using System.Globalization;
using System.Text.Json.Nodes;
using Synthstage.Media;
using Synthstage.Video.Resume;
using static Synthstage.Tests.Media.MediaTestKit;

namespace Synthstage.Tests.Media;

/// <summary>
/// The plain writer (with its audio mux) and the resumable output (with its join) must encode a format the same way:
/// one profile per format. Both write the same frames with the same audio source, and ffprobe must see the same
/// video codec, pixel format and colour tags, and the same audio codec and (for re-encoded audio) bit rate.
/// </summary>
public sealed class OutputProfileParityTests : IDisposable
{
    private const int W = 64, H = 48, Frames = 30;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(".mp4", "aac")]      // AAC copies into MP4
    [InlineData(".mp4", "libopus")]  // Opus is re-encoded to the MP4 fallback
    [InlineData(".mov", "libopus")]  // ... and to the MOV fallback (once 256k in one path and 192k in the other)
    [InlineData(".webm", "aac")]     // AAC is re-encoded to the WebM fallback
    public async Task PlainAndResumableOutputsEncodeAFormatAlike(string extension, string sourceAudio)
    {
        SharedData.RequireFfmpeg();
        var source = Path.Combine(_dir, $"tone-{sourceAudio}.mkv");
        await FfmpegAsync("-f", "lavfi", "-i", "sine=frequency=440:duration=2:sample_rate=48000", "-ac", "2", "-c:a", sourceAudio, "-b:a", "96k", source);

        var plain = Path.Combine(_dir, "plain" + extension);
        await WritePatternAsync(new VideoWriterOptions(plain, W, H, 24) { AudioSourcePath = source }, Frames);

        var resumable = Path.Combine(_dir, "resumable" + extension);
        await using (var output = await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(resumable, W, H, 24)
                     {
                         Parameters = new JsonObject { ["test"] = "parity" },
                         ChunkFrames = 12,
                         Audio = new ResumableAudio(source, 0, false) { CopyStreams = true },
                     }, Ct))
        {
            for (var i = 0; i < Frames; i++) await output.WriteFrameAsync(Pattern(W, H, FramePixelFormat.Rgb24, i), Ct);
            await output.CompleteAsync(Ct);
        }

        foreach (var entry in new[] { "codec_name", "pix_fmt", "color_space", "color_range", "color_primaries" })
            Assert.Equal(await StreamEntryAsync(plain, "v:0", entry), await StreamEntryAsync(resumable, "v:0", entry));
        var audioCodec = await StreamEntryAsync(plain, "a:0", "codec_name");
        Assert.Equal(audioCodec, await StreamEntryAsync(resumable, "a:0", "codec_name"));
        Assert.Equal(await StreamEntryAsync(plain, "a:0", "channels"), await StreamEntryAsync(resumable, "a:0", "channels"));
        if (sourceAudio == "aac" && extension != ".webm")
        {
            // A copied stream is bit-exact in both paths.
            Assert.Equal(await AudioPacketsMd5Async(plain), await AudioPacketsMd5Async(resumable));
        }
        else
        {
            // Re-encoded: the same fallback encoder at the same nominal rate, so the measured rates agree closely.
            var plainRate = await AudioBitRateAsync(plain);
            var resumableRate = await AudioBitRateAsync(resumable);
            Assert.True(Math.Abs(plainRate - resumableRate) <= 0.1 * plainRate,
                $"{extension} audio: plain {plainRate} b/s, resumable {resumableRate} b/s");
        }
    }

    /// <summary>The audio stream's bit rate measured from its packets (containers such as WebM state none).</summary>
    private static async Task<double> AudioBitRateAsync(string path)
    {
        var sizes = await FfprobeAsync("-select_streams", "a:0", "-show_entries", "packet=size", "-of", "csv=p=0", path);
        var bytes = sizes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(s => long.Parse(s.Trim().TrimEnd(','), CultureInfo.InvariantCulture));
        var duration = double.Parse(await FfprobeAsync("-show_entries", "format=duration", "-of", "default=nw=1:nk=1", path), CultureInfo.InvariantCulture);
        return bytes * 8 / duration;
    }
}
