using Synthstage.Imaging;
using System.Diagnostics;
using SkiaSharp;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Media;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance.Evaluation;

/// <summary>
/// Measures the watermark: marks real footage frame by frame, attacks the marked videos with real ffmpeg
/// (H.264 re-encode at CRF 28, half size, 10% cropped off each side), marks stills taken from the footage and
/// attacks them (JPEG quality 75, half size, crop), and counts detections per one-second segment / per image.
/// False positives are counted on the unmarked footage and stills against many random keys; the grain the mark
/// adds on smooth backgrounds is measured by <see cref="FlatAreaCheck"/> on the footage's frames.
/// </summary>
public static class WatermarkEvaluation
{
    /// <summary>The attacks applied to marked videos: name and ffmpeg output arguments.</summary>
    public static IReadOnlyList<(string Name, string[] Arguments)> VideoAttacks { get; } =
    [
        ("h264 crf28", ["-c:v", "libx264", "-preset", "medium", "-crf", "28"]),
        ("half size", ["-vf", "scale=trunc(iw/4)*2:trunc(ih/4)*2", "-c:v", "libx264", "-preset", "medium", "-crf", "23"]),
        ("crop 10% each side", ["-vf", "crop=trunc(iw*0.4)*2:trunc(ih*0.4)*2:trunc(iw*0.1):trunc(ih*0.1)", "-c:v", "libx264", "-preset", "medium", "-crf", "23"]),
        ("half size + crf28", ["-vf", "scale=trunc(iw/4)*2:trunc(ih/4)*2", "-c:v", "libx264", "-preset", "medium", "-crf", "28"]),
    ];

    /// <summary>Runs the whole evaluation.</summary>
    /// <param name="videos">Footage to mark (e.g. juggle.mp4 and coffee.mp4).</param>
    /// <param name="workFolder">Existing folder for the marked and attacked files.</param>
    /// <param name="falsePositiveKeys">Random keys tested against each unmarked segment and image.</param>
    /// <param name="stillEvery">Take every n-th frame of the footage as a still.</param>
    /// <param name="progress">Receives one line per step.</param>
    /// <param name="ct">Cancels the evaluation.</param>
    public static async Task<WatermarkEvaluationReport> RunAsync(IReadOnlyList<string> videos, string workFolder,
        int falsePositiveKeys = 100, int stillEvery = 12, IProgress<string>? progress = null, CancellationToken ct = default)
    {
        var attacks = new List<AttackResult>();
        var falsePositives = new List<FalsePositiveResult>();
        var keys = Enumerable.Range(1, falsePositiveKeys).Select(i => new WatermarkKey(0xF00D_0000_0000UL + (ulong)i * 0x9E3779B9UL)).ToArray();
        double squaredError = 0, samples = 0, minPsnr = double.PositiveInfinity;
        var embedTimes = new List<double>();
        var stills = new List<RgbImage>();
        var frameSize = "";
        var payload = 0x5EED0000u;

        foreach (var video in videos)
        {
            ct.ThrowIfCancellationRequested();
            payload++;
            var name = Path.GetFileName(video);
            var marked = Path.Combine(workFolder, Path.GetFileNameWithoutExtension(video) + ".marked.mp4");
            progress?.Report($"marking {name} → {marked}");
            var info = await MediaProbe.ProbeAsync(video, ct).ConfigureAwait(false);
            frameSize = $"{info.DisplayWidth}x{info.DisplayHeight}";
            await using (var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24))
            {
                var embedder = WatermarkEmbedder.Create(payload, reader.Width, reader.Height);
                await using var writer = VideoFrameWriter.Create(new VideoWriterOptions(marked, reader.Width, reader.Height, info.FrameRate));
                var frame = new byte[reader.FrameSizeBytes];
                var original = new byte[reader.FrameSizeBytes];
                var index = 0;
                while (await reader.ReadFrameAsync(frame, ct).ConfigureAwait(false))
                {
                    frame.CopyTo(original, 0);
                    var start = Stopwatch.GetTimestamp();
                    embedder.Embed(frame);
                    embedTimes.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    var error = SquaredError(original, frame);
                    squaredError += error;
                    samples += frame.Length;
                    minPsnr = Math.Min(minPsnr, Psnr(error / frame.Length));
                    if (index++ % stillEvery == 0) stills.Add(new RgbImage(reader.Width, reader.Height, (byte[])original.Clone()));
                    await writer.WriteFrameAsync(frame, ct).ConfigureAwait(false);
                }
                await writer.CompleteAsync(ct).ConfigureAwait(false);
            }

            attacks.Add(await ScoreVideoAsync(name, "none (CRF 18 as written)", marked, payload, ct).ConfigureAwait(false));
            progress?.Report(Describe(attacks[^1]));
            foreach (var (attack, arguments) in VideoAttacks)
            {
                var slug = new string(attack.Where(char.IsAsciiLetterOrDigit).ToArray());
                var attacked = Path.Combine(workFolder, $"{Path.GetFileNameWithoutExtension(video)}.{slug}.mp4");
                var args = new List<string> { "-nostdin", "-hide_banner", "-v", "error", "-y", "-i", marked };
                args.AddRange(arguments);
                args.AddRange(["-an", attacked]);
                var run = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, args, ct).ConfigureAwait(false);
                if (run.ExitCode != 0) throw new SynthstageException($"ffmpeg attack '{attack}' failed: {run.FirstErrorLine}");
                attacks.Add(await ScoreVideoAsync(name, $"{attack} (ffmpeg {string.Join(' ', arguments)})", attacked, payload, ct).ConfigureAwait(false));
                progress?.Report(Describe(attacks[^1]));
            }

            progress?.Report($"false positives: unmarked {name} × {keys.Length + 1} keys");
            var trials = 0;
            var hits = 0;
            await WatermarkScanner.ScanAsync(video, onSegment: (_, detector) =>
            {
                foreach (var key in keys.Prepend(WatermarkKey.Default))
                {
                    trials++;
                    if (detector.Detect(key).Found) hits++;
                }
            }, ct: ct).ConfigureAwait(false);
            falsePositives.Add(new FalsePositiveResult($"unmarked 1-s segments of {name}", trials, hits, TheoreticalBound()));
            progress?.Report(Describe(falsePositives[^1]));
        }

        var flatAreas = EvaluateFlatAreas(stills, progress, ct);
        var (stillPsnr, stillAttacks, stillFalse) = EvaluateStills(stills, keys, progress, ct);
        attacks.AddRange(stillAttacks);
        falsePositives.Add(stillFalse);
        embedTimes.Sort();
        return new WatermarkEvaluationReport(Psnr(squaredError / samples), minPsnr, stillPsnr,
            embedTimes.Count == 0 ? 0 : embedTimes[embedTimes.Count / 2], frameSize, attacks, falsePositives, flatAreas);
    }

    /// <summary>One line describing a flat-area result.</summary>
    public static string Describe(FlatAreaResult r) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{FlatAreaCheck.Describe(r.Background)}: added luma std {r.MeanAddedStd:F2} mean, {r.MaxAddedStd:F2} worst over {r.Frames} frames × 2 patches of {FlatAreaCheck.PatchSize}×{FlatAreaCheck.PatchSize} (target ≤ {FlatAreaCheck.TargetAddedStd:F1})");

    private static List<FlatAreaResult> EvaluateFlatAreas(List<RgbImage> stills, IProgress<string>? progress, CancellationToken ct)
    {
        var frames = stills.Where(s => s.Width >= 1280 && s.Height >= 480).ToList();
        var backgrounds = Enum.GetValues<FlatBackground>();
        var measured = backgrounds.Select(_ => new List<double>()).ToArray();
        for (var i = 0; i < frames.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var added = FlatAreaCheck.Measure(frames[i], 0xF1A70000u + (uint)i);
            for (var b = 0; b < backgrounds.Length; b++) measured[b].Add(added[b]);
        }
        var results = new List<FlatAreaResult>();
        for (var b = 0; b < backgrounds.Length; b++)
        {
            results.Add(new FlatAreaResult(backgrounds[b], frames.Count, frames.Count == 0 ? 0 : measured[b].Average(), frames.Count == 0 ? 0 : measured[b].Max()));
            progress?.Report(Describe(results[^1]));
        }
        return results;
    }

    /// <summary>
    /// The per-trial false-alarm bound of the detector: scales × min(peaks tried, shifts × Q(minimum sync score)) × 2⁻¹⁶
    /// (a decode needs a sync peak of at least <see cref="WatermarkDetector.MinimumSyncScore"/> and a passing CRC-16).
    /// </summary>
    public static double TheoreticalBound() => WatermarkDetector.DefaultScales.Count
        * Math.Min(WatermarkDetector.PeaksTried, 128.0 * 128 * WatermarkDetector.UpperTail(WatermarkDetector.MinimumSyncScore)) / 65536.0;

    /// <summary>One line describing an attack result.</summary>
    public static string Describe(AttackResult r) =>
        $"{r.Source}, {r.Attack}: found in {r.Found}/{r.Units} ({100 * r.Rate:F1}%), wrong payload {r.WrongPayload}, sync median {r.MedianSyncScore:F1}σ, lowest {r.LowestSyncScore:F1}σ";

    /// <summary>One line describing a false-positive result.</summary>
    public static string Describe(FalsePositiveResult r) =>
        $"{r.Content}: {r.FalsePositives} false positives in {r.Trials} trials (rate {r.Rate:G3}; bound per trial {r.TheoreticalBound:G3})";

    private static async Task<AttackResult> ScoreVideoAsync(string source, string attack, string path, uint payload, CancellationToken ct)
    {
        var segments = await WatermarkScanner.ScanAsync(path, ct: ct).ConfigureAwait(false);
        return Score(source, attack, segments.Select(s => s.Detection).ToList(), payload);
    }

    private static AttackResult Score(string source, string attack, IReadOnlyList<WatermarkDetection> detections, uint payload)
    {
        var scores = detections.Select(d => d.SyncScore).Order().ToList();
        return new AttackResult(source, attack, detections.Count,
            detections.Count(d => d.Found && d.Payload == payload),
            detections.Count(d => d.Found && d.Payload != payload),
            scores.Count == 0 ? 0 : scores[scores.Count / 2]) { LowestSyncScore = scores.Count == 0 ? 0 : scores[0] };
    }

    private static (double Psnr, List<AttackResult> Attacks, FalsePositiveResult FalsePositives) EvaluateStills(
        List<RgbImage> stills, WatermarkKey[] keys, IProgress<string>? progress, CancellationToken ct)
    {
        var attacks = new (string Name, Func<RgbImage, RgbImage> Apply)[]
        {
            ("none (PNG)", image => image),
            ("JPEG q75", image => JpegRoundTrip(image, 75)),
            ("half size + JPEG q75", image => JpegRoundTrip(image.Resize(image.Width / 2, image.Height / 2), 75)),
            ("crop 10% each side + JPEG q75", image => JpegRoundTrip(Crop(image, 0.1), 75)),
        };
        var detections = attacks.Select(_ => new List<WatermarkDetection>()).ToArray();
        double squaredError = 0, samples = 0;
        var trials = 0;
        var hits = 0;
        var detector = new WatermarkDetector();
        for (var i = 0; i < stills.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            var original = stills[i];
            // Alternate between the whole frame and a 512×512 centre crop, the size of a generated image.
            var unmarked = i % 2 == 0 ? original : Crop(original, (original.Width - 512) / 2, (original.Height - 512) / 2, 512, 512);
            var payload = 0xC0DE0000u + (uint)i;
            var marked = new RgbImage(unmarked.Width, unmarked.Height, (byte[])unmarked.Pixels.Clone());
            WatermarkEmbedder.Create(payload, marked.Width, marked.Height).Embed(marked.Pixels);
            squaredError += SquaredError(unmarked.Pixels, marked.Pixels);
            samples += marked.Pixels.Length;
            for (var a = 0; a < attacks.Length; a++)
            {
                var attacked = attacks[a].Apply(marked);
                detector.Reset();
                detector.AddFrame(attacked.Pixels, attacked.Width, attacked.Height);
                detections[a].Add(detector.Detect());
            }
            // The unmarked still, JPEG-compressed as it would be shared, against every key.
            detector.Reset();
            var plain = JpegRoundTrip(unmarked, 75);
            detector.AddFrame(plain.Pixels, plain.Width, plain.Height);
            foreach (var key in keys.Prepend(WatermarkKey.Default))
            {
                trials++;
                if (detector.Detect(key).Found) hits++;
            }
        }
        var results = new List<AttackResult>();
        for (var a = 0; a < attacks.Length; a++)
        {
            var payloads = Enumerable.Range(0, stills.Count).Select(i => 0xC0DE0000u + (uint)i).ToArray();
            var found = detections[a].Where((d, i) => d.Found && d.Payload == payloads[i]).Count();
            var wrong = detections[a].Where((d, i) => d.Found && d.Payload != payloads[i]).Count();
            var scores = detections[a].Select(d => d.SyncScore).Order().ToList();
            results.Add(new AttackResult($"{stills.Count} stills (1280x720 and 512x512)", attacks[a].Name, stills.Count, found, wrong,
                scores.Count == 0 ? 0 : scores[scores.Count / 2]) { LowestSyncScore = scores.Count == 0 ? 0 : scores[0] });
            progress?.Report(Describe(results[^1]));
        }
        var falsePositives = new FalsePositiveResult($"{stills.Count} unmarked stills (JPEG q75)", trials, hits, TheoreticalBound());
        progress?.Report(Describe(falsePositives));
        return (Psnr(squaredError / Math.Max(1, samples)), results, falsePositives);
    }

    internal static RgbImage JpegRoundTrip(RgbImage image, int quality)
    {
        using var bitmap = image.ToBitmap();
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return ImageFiles.DecodeRgb(data.AsSpan(), "the JPEG round trip");
    }

    internal static RgbImage Crop(RgbImage image, double fraction)
    {
        var x = (int)(image.Width * fraction);
        var y = (int)(image.Height * fraction);
        return Crop(image, x, y, image.Width - 2 * x, image.Height - 2 * y);
    }

    internal static RgbImage Crop(RgbImage image, int x, int y, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        for (var row = 0; row < height; row++)
            image.Pixels.AsSpan(((y + row) * image.Width + x) * 3, width * 3).CopyTo(pixels.AsSpan(row * width * 3));
        return new RgbImage(width, height, pixels);
    }

    private static double SquaredError(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    private static double Psnr(double meanSquaredError) =>
        meanSquaredError <= 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 / meanSquaredError);
}
