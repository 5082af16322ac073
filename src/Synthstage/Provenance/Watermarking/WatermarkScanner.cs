using Synthstage.Media;

namespace Synthstage.Provenance.Watermarking;

/// <summary>The watermark verdict for one segment of a video (or the single frame of an image).</summary>
/// <param name="Index">Zero-based segment number.</param>
/// <param name="Start">Time of the segment's first frame.</param>
/// <param name="Detection">What was found in the segment's frames.</param>
public sealed record SegmentDetection(int Index, TimeSpan Start, WatermarkDetection Detection);

/// <summary>
/// Decodes a video or image with ffmpeg and looks for the watermark in every one-second segment, accumulating the
/// evidence of all of the segment's frames.
/// </summary>
public static class WatermarkScanner
{
    /// <summary>Scans <paramref name="path"/>.</summary>
    /// <param name="path">Any video or image ffmpeg reads.</param>
    /// <param name="segmentSeconds">Segment length in seconds (frames per segment = round(fps × this), at least 1).</param>
    /// <param name="onSegment">Optional: sees each segment's detector before it is reset (to test other keys).</param>
    /// <param name="progress">Receives one report per frame.</param>
    /// <param name="ct">Cancels the scan and stops ffmpeg.</param>
    /// <returns>One detection per segment, in order.</returns>
    /// <exception cref="SynthstageException">The file is missing or has no decodable frames (<see cref="ExitCodes.BadInput"/>).</exception>
    public static async Task<IReadOnlyList<SegmentDetection>> ScanAsync(string path, double segmentSeconds = 1.0,
        Action<int, WatermarkDetector>? onSegment = null, IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        if (!File.Exists(path)) throw new SynthstageException($"'{path}' does not exist", ExitCodes.BadInput);
        var info = await MediaProbe.ProbeAsync(path, ct).ConfigureAwait(false);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        var rate = info.IsStillImage || !(info.FrameRate > 0) ? 1.0 : info.FrameRate;
        var perSegment = Math.Max(1, (int)Math.Round(rate * segmentSeconds));
        var frame = new byte[reader.FrameSizeBytes];
        var detector = new WatermarkDetector();
        var results = new List<SegmentDetection>();
        var index = 0;
        while (await reader.ReadFrameAsync(frame, ct).ConfigureAwait(false))
        {
            detector.AddFrame(frame, reader.Width, reader.Height);
            index++;
            progress?.Report(new PipelineProgress("scan", index, info.IsStillImage ? 1 : info.FrameCount, Path.GetFileName(path)));
            if (detector.Frames == perSegment) Flush();
        }
        if (detector.Frames > 0) Flush();
        return results;

        void Flush()
        {
            var segment = results.Count;
            results.Add(new SegmentDetection(segment, TimeSpan.FromSeconds(segment * perSegment / rate), detector.Detect()));
            onSegment?.Invoke(segment, detector);
            detector.Reset();
        }
    }
}
