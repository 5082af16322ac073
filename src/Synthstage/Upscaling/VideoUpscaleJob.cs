using System.Diagnostics;
using Synthstage.Media;
using Synthstage.Pipeline;
using Synthstage.Provenance;

namespace Synthstage.Upscaling;

/// <summary>
/// <c>synthstage upscale IN.mp4 -o OUT.mp4</c>: a video through a super-resolution model, streamed: ffmpeg decodes into
/// a few pooled frame buffers, the model enlarges each frame tile by tile, the watermark and label go in, and ffmpeg
/// encodes (the input's audio copied). Memory depends on the frame and tile sizes, never on the video's length.
/// </summary>
public static class VideoUpscaleJob
{
    // Frames in flight: decode, upscale, stamp and encode each hold one; a 4K output frame is 25 MB.
    private const int PipelineDepth = 4;

    private static readonly string[] VideoExtensions = [".mp4", ".m4v", ".mov", ".webm", ".mkv", ".avi"];

    /// <summary>True when the path's extension names a video container (used to refuse a video as an image input).</summary>
    public static bool LooksLikeVideo(string path) =>
        VideoExtensions.Contains(Path.GetExtension(path).ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>
    /// Checks the input and output, installs the model on first use, then upscales every frame of
    /// <paramref name="inputPath"/> into <paramref name="outputPath"/> (written under a temporary name, renamed when
    /// complete, so an interrupted run leaves nothing under that name) and signs its manifest.
    /// </summary>
    /// <param name="inputPath">A video file.</param>
    /// <param name="outputPath">.mp4, .webm, .mov or a folder for a PNG sequence.</param>
    /// <param name="options">Model, tiling, encoder, audio and provenance.</param>
    /// <param name="progress">"install" on first use, then "upscale" per frame with the bottleneck stage.</param>
    /// <param name="cancellationToken">Stops between tiles; the partial output is deleted.</param>
    /// <exception cref="SynthstageException">Unknown model name, a single-PNG output or a still-image input (Usage);
    /// a missing, unreadable or non-video input or one with no decodable frames (BadInput); model install or load
    /// failures (BadModel); a missing or unwritable output folder (BadOutput).</exception>
    public static async Task<VideoUpscaleResult> RunAsync(string inputPath, string outputPath, VideoUpscaleOptions options,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);

        // 1. Everything the user can get wrong, before a model is fetched or loaded.
        var source = UpscaleModelSource.Parse(options.Model);
        options.Encoder.Validate();
        var format = options.Encoder.FormatFor(outputPath);
        if (format == OutputFormat.Png)
            throw new SynthstageException($"the output '{outputPath}' is a single PNG; write a video as .mp4, .webm or .mov (or a folder for a PNG sequence)", ExitCodes.Usage);
        CheckOutputFolder(outputPath, format);
        var info = await MediaProbe.ProbeAsync(inputPath, cancellationToken).ConfigureAwait(false);
        if (info.IsStillImage)
            throw new SynthstageException($"input '{inputPath}' is a still image; write the output as .png", ExitCodes.Usage);

        // 2. The model (first use installs it) and its factor.
        var modelPath = await source.ResolveAsync(progress, cancellationToken).ConfigureAwait(false);
        using var upscaler = SuperResolutionUpscaler.Create(modelPath, options.SuperResolution);
        var factor = upscaler.Factor;
        int width = info.DisplayWidth, height = info.DisplayHeight;
        int outWidth = width * factor, outHeight = height * factor;
        var outBytes = (long)outWidth * outHeight * 3;
        if (outBytes > Array.MaxLength)
            throw new SynthstageException($"{width}×{height} frames upscaled ×{factor} would be {outWidth}×{outHeight}, more than one frame buffer holds; use a smaller factor", ExitCodes.BadInput);

        // 3. Label and credential first: the record is hashed while nothing else runs; the store is appended once the file is complete.
        var stamp = OutputStamp.Create(options.Provenance, outWidth, outHeight, 3);
        var record = source.Record(inputPath, modelPath, factor, "video").Set(SettingsWriter.Collect(options.Encoder));
        var manifest = await ProvenanceWriter.PrepareAsync(stamp, record, cancellationToken).ConfigureAwait(false);
        var keepAudio = options.KeepAudio && info.HasAudio && OutputFormats.SupportsAudio(format);

        // 4. decode → upscale → stamp → encode.
        var clock = Stopwatch.StartNew();
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        await using var writer = VideoFrameWriter.Create(new VideoWriterOptions(outputPath, outWidth, outHeight, info.FrameRate)
        {
            Encoder = options.Encoder,
            AudioSourcePath = keepAudio ? inputPath : null,
        });
        var pipeline = new FramePipeline(reader.FrameSizeBytes, 0, (int)outBytes, PipelineDepth)
            .AddStage("upscale", work => upscaler.Upscale(work.Input, width, height, work.Output, cancellationToken));
        if (stamp.ChangesFrames) pipeline.AddStage("stamp", work => stamp.Apply(work.Output));
        var tools = new Dictionary<string, string> { [pipeline.SinkName] = OutputProfile.For(format).DescribeEncoder(options.Encoder) };
        var load = new PipelineLoadSampler(pipeline, tools, TimeSpan.FromMilliseconds(500));
        var name = Path.GetFileName(inputPath);
        progress?.Report(new PipelineProgress("upscale", 0, info.FrameCount, $"{name} {width}×{height} → {outWidth}×{outHeight}"));
        var frames = await pipeline.RunAsync(
            (work, ct) => reader.ReadFrameAsync(work.Input, ct),
            async (work, ct) =>
            {
                await writer.WriteFrameAsync(work.Output, ct).ConfigureAwait(false);
                progress?.Report(new PipelineProgress("upscale", work.Index + 1, info.FrameCount, name) { Bottleneck = load.Sample() });
            },
            cancellationToken).ConfigureAwait(false);
        if (frames == 0)
            throw new SynthstageException($"input '{inputPath}' has no decodable video frames{(reader.Warning is null ? "" : ": " + reader.Warning)}", ExitCodes.BadInput);
        await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        await ProvenanceWriter.CompleteAsync(writer.FinalPath, manifest, cancellationToken).ConfigureAwait(false);
        var warning = reader.EndedEarly ? $"'{name}' is damaged or truncated: upscaled the {frames} frames that decode ({reader.Warning})" : null;
        return new VideoUpscaleResult(writer.FinalPath, outWidth, outHeight, factor, frames, clock.Elapsed, warning) { StageTimes = pipeline.BusyTimes };
    }

    // The writer checks this too, but only after a model install that can take a minute: say it first.
    private static void CheckOutputFolder(string outputPath, OutputFormat format)
    {
        var full = Path.GetFullPath(outputPath);
        var folder = format == OutputFormat.PngSequence && !OutputFormats.FramePattern().IsMatch(Path.GetFileName(full))
            ? Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(full))
            : Path.GetDirectoryName(full);
        if (folder is null || !Directory.Exists(folder))
            throw new SynthstageException($"output folder '{folder}' for '{outputPath}' does not exist; create it first", ExitCodes.BadOutput);
    }
}
