using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Provenance.Evaluation;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Tests.Provenance;

/// <summary>
/// The watermark on real footage against the targets: invisible on flat backgrounds (at most 0.5 levels of added luma
/// std in flat patches), PSNR at least 45 dB, and still found after re-encoding, halving, cropping and JPEG.
/// </summary>
public sealed class WatermarkOnFootageTests(ITestOutputHelper output) : IDisposable
{
    private const uint Payload = 0x5EED_F00D;
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-wm-footage-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("coffee.mp4")]
    [InlineData("juggle.mp4")]
    public async Task FlatBackgroundsGainAtMostHalfALevelOfLumaNoise(string clip)
    {
        foreach (var (seconds, frame) in await FramesAsync(clip, [1.0, 5.0]))
        {
            var added = FlatAreaCheck.Measure(frame, Payload);
            var backgrounds = Enum.GetValues<FlatBackground>();
            for (var b = 0; b < backgrounds.Length; b++)
            {
                output.WriteLine($"{clip} at {seconds} s over {FlatAreaCheck.Describe(backgrounds[b])}: added luma std {added[b]:F3}");
                Assert.True(added[b] <= FlatAreaCheck.TargetAddedStd,
                    $"{clip} at {seconds} s over {FlatAreaCheck.Describe(backgrounds[b])}: added luma std {added[b]:F3} > {FlatAreaCheck.TargetAddedStd}");
                // The mark is still there on the flat parts, only faint.
                Assert.True(added[b] > 0.1, $"{FlatAreaCheck.Describe(backgrounds[b])}: std {added[b]:F3}, the flat floor is gone");
            }
        }
    }

    [Theory]
    [InlineData("coffee.mp4")]
    [InlineData("juggle.mp4")]
    public async Task PsnrIsAtLeast45DbAndAJpegQuality75StillKeepsTheMark(string clip)
    {
        foreach (var (seconds, frame) in await FramesAsync(clip, [1.0, 3.0, 5.0]))
        {
            var marked = TestImages.Clone(frame);
            WatermarkEmbedder.Create(Payload, frame.Width, frame.Height).Embed(marked.Pixels);
            var psnr = TestImages.Psnr(frame.Pixels, marked.Pixels);
            var jpeg = Detect(WatermarkEvaluation.JpegRoundTrip(marked, 75));
            output.WriteLine($"{clip} at {seconds} s: PSNR {psnr:F2} dB, JPEG q75 sync {jpeg.SyncScore:F1}σ");
            Assert.True(psnr >= 45, $"{clip} at {seconds} s: PSNR {psnr:F2} dB");
            Assert.True(jpeg.Found && jpeg.Payload == Payload, $"{clip} at {seconds} s after JPEG q75: sync {jpeg.SyncScore:F1}σ");
            var unmarked = Detect(WatermarkEvaluation.JpegRoundTrip(frame, 75));
            Assert.False(unmarked.Found, $"unmarked {clip} at {seconds} s: payload {unmarked.PayloadHex}");
        }
    }

    // Juggle's textured frame carries the mark through every attack. Coffee's first second is mostly smooth table and
    // shirt, where the texture-following mark is weak: it survives re-encoding and cropping at full size but not halving
    // (the miss docs/provenance.md reports), and the test holds it to exactly that so a change either way is seen.
    [Theory]
    [InlineData("coffee.mp4", "h264 crf28,crop 10% each side")]
    [InlineData("juggle.mp4", "h264 crf28,half size,crop 10% each side,half size + crf28")]
    public async Task AOneSecondSegmentSurvivesTheVideoAttacksItsTextureCarries(string clip, string surviving)
    {
        var source = SharedData.Require(Path.Combine("footage", clip));
        SharedData.RequireFfmpeg();
        var info = await MediaProbe.ProbeAsync(source, Ct);
        var marked = Path.Combine(_dir, "marked.mp4");
        var frames = (int)Math.Round(info.FrameRate);
        await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
        {
            var embedder = WatermarkEmbedder.Create(Payload, reader.Width, reader.Height);
            await using var writer = VideoFrameWriter.Create(new VideoWriterOptions(marked, reader.Width, reader.Height, info.FrameRate));
            var frame = new byte[reader.FrameSizeBytes];
            for (var i = 0; i < frames && await reader.ReadFrameAsync(frame, Ct); i++)
            {
                embedder.Embed(frame);
                await writer.WriteFrameAsync(frame, Ct);
            }
            await writer.CompleteAsync(Ct);
        }
        var expected = surviving.Split(',');
        var survived = new List<string>();
        foreach (var (attack, arguments) in WatermarkEvaluation.VideoAttacks)
        {
            var attacked = Path.Combine(_dir, "attacked.mp4");
            var run = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, ["-nostdin", "-v", "error", "-y", "-i", marked, .. arguments, "-an", attacked], Ct);
            Assert.True(run.ExitCode == 0, run.FirstErrorLine);
            var segments = await WatermarkScanner.ScanAsync(attacked, ct: Ct);
            var detection = Assert.Single(segments).Detection;
            output.WriteLine($"{clip}, {attack}: found {detection.Found}, sync {detection.SyncScore:F1}σ, scale {detection.Scale:F2}");
            Assert.True(!detection.Found || detection.Payload == Payload, $"{clip}, {attack}: a wrong payload was decoded");
            if (detection.Found) survived.Add(attack);
        }
        Assert.Equal(expected, survived);
    }

    private static WatermarkDetection Detect(RgbImage image)
    {
        var detector = new WatermarkDetector();
        detector.AddFrame(image.Pixels, image.Width, image.Height);
        return detector.Detect();
    }

    /// <summary>Full-size RGB frames of a shared clip at the given times, decoded by ffmpeg.</summary>
    private async Task<List<(double Seconds, RgbImage Frame)>> FramesAsync(string clip, double[] times)
    {
        var source = SharedData.Require(Path.Combine("footage", clip));
        SharedData.RequireFfmpeg();
        var info = await MediaProbe.ProbeAsync(source, Ct);
        var frames = new List<(double, RgbImage)>();
        foreach (var seconds in times)
        {
            var raw = Path.Combine(_dir, "frame.rgb");
            var run = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, ["-nostdin", "-v", "error", "-y", "-ss",
                seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", source, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "rgb24", raw], Ct);
            Assert.True(run.ExitCode == 0, run.FirstErrorLine);
            frames.Add((seconds, new RgbImage(info.DisplayWidth, info.DisplayHeight, await File.ReadAllBytesAsync(raw, Ct))));
        }
        return frames;
    }
}
