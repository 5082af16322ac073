using System.Diagnostics;
using SkiaSharp;
using Synthstage.Imaging;
using Synthstage.Media;
using Synthstage.Video;

namespace Synthstage.Evaluation;

/// <summary>
/// Scores the mattes Synthstage produces (the same stages as <c>matte</c> and <c>composite</c>: model, temporal
/// smoothing, shaping, enlargement) against ground truth: a folder of images with a folder of masks, or a video with
/// an alpha video. Reports the means of <see cref="MatteMetrics"/> and the matte's own speed.
/// </summary>
public static class MatteEvaluation
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".webp", ".bmp"];

    /// <summary>Scores every image in <paramref name="imagesFolder"/> against the mask of the same base name in <paramref name="masksFolder"/>.</summary>
    /// <exception cref="SynthstageException">A folder is missing or empty, a mask is missing or of another size, or a file does not decode.</exception>
    public static async Task<MatteScores> EvaluateImagesAsync(string imagesFolder, string masksFolder, MatteEvaluationOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var pairs = PairImages(imagesFolder, masksFolder);
        var sums = new Sums();
        MatteStages? stages = null;
        MatteMetrics? metrics = null;
        float tolerance = 0;
        try
        {
            for (var k = 0; k < pairs.Count; k++)
            {
                ct.ThrowIfCancellationRequested();
                var (imagePath, maskPath) = pairs[k];
                var (rgb, width, height) = DecodeRgb(imagePath);
                var (truth, maskWidth, maskHeight) = DecodeMask(maskPath);
                if ((maskWidth, maskHeight) != (width, height))
                    throw new SynthstageException($"mask '{maskPath}' is {maskWidth}×{maskHeight} but image '{imagePath}' is {width}×{height}", ExitCodes.BadInput);
                if (stages is null || stages.FrameWidth != width || stages.FrameHeight != height)
                {
                    stages?.Dispose();
                    stages = null;
                    stages = await MatteStages.CreateAsync(options.Keying, width, height, progress, ct).ConfigureAwait(false);
                    metrics = new MatteMetrics(width, height);
                    tolerance = options.BoundaryTolerance ?? MatteMetrics.DavisTolerance(width, height);
                }
                var mask = new float[stages.MaskWidth * stages.MaskHeight];
                var alpha = new byte[width * height];
                // Images are unrelated: no smoothing history or recurrent state carries over.
                stages.Reset();
                var start = Stopwatch.GetTimestamp();
                stages.SegmentAndShape(rgb, mask);
                stages.Enlarge(rgb, mask, alpha);
                sums.Ticks += Stopwatch.GetTimestamp() - start;
                sums.AddAccuracy(alpha, truth, metrics!, tolerance);
                progress?.Report(new PipelineProgress("eval", k + 1, pairs.Count, Path.GetFileName(imagePath)));
            }
        }
        finally
        {
            stages?.Dispose();
        }
        return new MatteScores(sums.Frames, sums.Iou / sums.Frames, sums.SoftIou / sums.Frames, sums.BoundaryF / sums.Frames, tolerance,
            null, null, null, options.FlickerBand, sums.Milliseconds);
    }

    /// <summary>
    /// Runs the matte over <paramref name="videoPath"/> frame by frame and scores flicker, and with
    /// <paramref name="alphaPath"/> (a grey mask video, or a video with an alpha channel) also IoU, soft IoU,
    /// boundary F, MAD and dtSSD.
    /// </summary>
    /// <exception cref="SynthstageException">A file is missing or not a video, or the two videos differ in size.</exception>
    public static async Task<MatteScores> EvaluateVideoAsync(string videoPath, string? alphaPath, MatteEvaluationOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        var info = await MediaProbe.ProbeAsync(videoPath, ct).ConfigureAwait(false);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;
        VideoFrameReader? alphaReader = null;
        var alphaChannels = 3;
        if (alphaPath is not null)
        {
            var alphaInfo = await MediaProbe.ProbeAsync(alphaPath, ct).ConfigureAwait(false);
            var pixelFormat = alphaInfo.HasAlpha ? FramePixelFormat.Rgba32 : FramePixelFormat.Rgb24;
            alphaChannels = alphaInfo.HasAlpha ? 4 : 3;
            alphaReader = VideoFrameReader.Open(alphaInfo, pixelFormat);
            if ((alphaReader.Width, alphaReader.Height) != (width, height))
            {
                await alphaReader.DisposeAsync().ConfigureAwait(false);
                throw new SynthstageException($"alpha video '{alphaPath}' is {alphaReader.Width}×{alphaReader.Height} but '{videoPath}' is {width}×{height}", ExitCodes.BadInput);
            }
        }
        try
        {
            using var stages = await MatteStages.CreateAsync(options.Keying.AtFrameRate(info.FrameRate), width, height, progress, ct).ConfigureAwait(false);
            var metrics = new MatteMetrics(width, height);
            var tolerance = options.BoundaryTolerance ?? MatteMetrics.DavisTolerance(width, height);
            var frame = new byte[reader.FrameSizeBytes];
            var mask = new float[stages.MaskWidth * stages.MaskHeight];
            var alpha = new byte[width * height];
            var previousAlpha = new byte[width * height];
            var truthFrame = alphaReader is null ? [] : new byte[alphaReader.FrameSizeBytes];
            var truth = new byte[width * height];
            var previousTruth = new byte[width * height];
            var sums = new Sums();
            double flicker = 0, stillFlicker = 0, sweepFreeFlicker = 0, mad = 0, dtSsd = 0;
            int flickerFrames = 0, stillFrames = 0;
            var motion = new PictureMotion(width, height, Math.Max(1, width / options.StillCellSize), Math.Max(1, height / options.StillCellSize));
            var pictureChange = new float[motion.CellsX * motion.CellsY];
            // With look-ahead a frame's matte is released LookAhead frames after it was read, so frames and their
            // truth wait in a ring until then.
            var held = stages.LookAhead + 1;
            var frames = new byte[held][];
            var truths = new byte[held][];
            for (var i = 0; i < held; i++)
            {
                frames[i] = i == 0 ? frame : new byte[frame.Length];
                truths[i] = alphaReader is null ? [] : new byte[width * height];
            }
            long read = 0, released = 0;
            while (true)
            {
                var slot = (int)(read % held);
                if (!await reader.ReadFrameAsync(frames[slot], ct).ConfigureAwait(false)) break;
                if (alphaReader is not null)
                {
                    if (!await alphaReader.ReadFrameAsync(truthFrame, ct).ConfigureAwait(false))
                        throw new SynthstageException($"alpha video '{alphaPath}' has fewer frames than '{videoPath}' ({read})", ExitCodes.BadInput);
                    ExtractChannel(truthFrame, alphaChannels, alphaChannels == 4 ? 3 : 0, truths[slot]);
                }
                var start = Stopwatch.GetTimestamp();
                stages.Accept(frames[slot]);
                sums.Ticks += Stopwatch.GetTimestamp() - start;
                read++;
                if (stages.Ready) ScoreReleased();
            }
            while (released < read) ScoreReleased();

            void ScoreReleased()
            {
                var slot = (int)(released % held);
                var current = frames[slot];
                var start = Stopwatch.GetTimestamp();
                stages.Release(mask);
                stages.Enlarge(current, mask, alpha);
                sums.Ticks += Stopwatch.GetTimestamp() - start;
                released++;
                motion.Next(current, 3, pictureChange);
                if (sums.Frames > 0)
                {
                    var (change, still, sweepFree) = metrics.Flickers(alpha, previousAlpha, options.FlickerBand, motion, pictureChange, options.StillPictureChange);
                    if (!double.IsNaN(still))
                    {
                        stillFlicker += still;
                        stillFrames++;
                    }
                    if (!double.IsNaN(change))
                    {
                        flicker += change;
                        sweepFreeFlicker += sweepFree;
                        flickerFrames++;
                    }
                }
                if (alphaReader is not null)
                {
                    truths[slot].CopyTo(truth, 0);
                    mad += MatteMetrics.Mad(alpha, truth);
                    if (sums.Frames > 0) dtSsd += MatteMetrics.DtSsd(alpha, previousAlpha, truth, previousTruth);
                    sums.AddAccuracy(alpha, truth, metrics, tolerance);
                    (truth, previousTruth) = (previousTruth, truth);
                }
                else
                {
                    sums.Frames++;
                }
                (alpha, previousAlpha) = (previousAlpha, alpha);
                progress?.Report(new PipelineProgress("eval", sums.Frames, info.FrameCount, Path.GetFileName(videoPath)));
            }
            if (sums.Frames == 0) throw new SynthstageException($"'{videoPath}' has no decodable video frames", ExitCodes.BadInput);
            var scored = alphaReader is not null;
            return new MatteScores(sums.Frames,
                scored ? sums.Iou / sums.Frames : null, scored ? sums.SoftIou / sums.Frames : null, scored ? sums.BoundaryF / sums.Frames : null, tolerance,
                scored ? mad / sums.Frames : null, scored && sums.Frames > 1 ? dtSsd / (sums.Frames - 1) : null,
                flickerFrames > 0 ? flicker / flickerFrames : null, options.FlickerBand, sums.Milliseconds)
            {
                StillFlicker = stillFrames > 0 ? stillFlicker / stillFrames : null,
                SweepFreeFlicker = flickerFrames > 0 ? sweepFreeFlicker / flickerFrames : null,
                StillPictureChange = options.StillPictureChange,
            };
        }
        finally
        {
            if (alphaReader is not null) await alphaReader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Pairs each image with the mask of the same base name (any image extension), sorted by name.</summary>
    public static IReadOnlyList<(string Image, string Mask)> PairImages(string imagesFolder, string masksFolder)
    {
        if (!Directory.Exists(imagesFolder)) throw new SynthstageException($"images folder '{imagesFolder}' does not exist", ExitCodes.BadInput);
        if (!Directory.Exists(masksFolder)) throw new SynthstageException($"masks folder '{masksFolder}' does not exist", ExitCodes.BadInput);
        var masks = Directory.EnumerateFiles(masksFolder).Where(IsImage)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), StringComparer.Ordinal);
        var pairs = new List<(string, string)>();
        foreach (var image in Directory.EnumerateFiles(imagesFolder).Where(IsImage).Order(StringComparer.Ordinal))
        {
            if (!masks.TryGetValue(Path.GetFileNameWithoutExtension(image), out var mask))
                throw new SynthstageException($"no mask for '{Path.GetFileName(image)}' in '{masksFolder}' (expected a file named {Path.GetFileNameWithoutExtension(image)}.png)", ExitCodes.BadInput);
            pairs.Add((image, mask));
        }
        if (pairs.Count == 0) throw new SynthstageException($"no images found in '{imagesFolder}'", ExitCodes.BadInput);
        return pairs;

        static bool IsImage(string f) => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant());
    }

    private static (byte[] Rgb, int Width, int Height) DecodeRgb(string path)
    {
        using var bitmap = DecodeRgba(path);
        var rgba = bitmap.GetPixelSpan();
        var rgb = new byte[bitmap.Width * bitmap.Height * 3];
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
        {
            rgb[j] = rgba[i];
            rgb[j + 1] = rgba[i + 1];
            rgb[j + 2] = rgba[i + 2];
        }
        return (rgb, bitmap.Width, bitmap.Height);
    }

    // A mask is a grey image (its red channel is read), or an image whose alpha channel is the matte.
    private static (byte[] Mask, int Width, int Height) DecodeMask(string path)
    {
        using var bitmap = DecodeRgba(path);
        var rgba = bitmap.GetPixelSpan();
        var useAlpha = false;
        for (var i = 3; i < rgba.Length && !useAlpha; i += 4) useAlpha = rgba[i] != 255;
        var mask = new byte[bitmap.Width * bitmap.Height];
        ExtractChannel(rgba, 4, useAlpha ? 3 : 0, mask);
        return (mask, bitmap.Width, bitmap.Height);
    }

    private static SKBitmap DecodeRgba(string path) => ImageFiles.ReadRgba(path, "evaluation image");

    private static void ExtractChannel(ReadOnlySpan<byte> packed, int channels, int channel, Span<byte> plane)
    {
        for (int i = channel, p = 0; p < plane.Length; i += channels, p++) plane[p] = packed[i];
    }

    private sealed class Sums
    {
        public int Frames;
        public double Iou, SoftIou, BoundaryF;
        public long Ticks;

        public double Milliseconds => Frames == 0 ? 0 : Stopwatch.GetElapsedTime(0, Ticks).TotalMilliseconds / Frames;

        public void AddAccuracy(ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> truth, MatteMetrics metrics, float tolerance)
        {
            Iou += MatteMetrics.Iou(alpha, truth);
            SoftIou += MatteMetrics.SoftIou(alpha, truth);
            BoundaryF += metrics.BoundaryF(alpha, truth, tolerance);
            Frames++;
        }
    }
}
