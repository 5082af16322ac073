using Synthstage.Pipeline;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Provenance;

namespace Synthstage.Video;

/// <summary>
/// The shared render loop of <see cref="MatteJob"/> and <see cref="CompositeJob"/>: decode → segment, smooth and
/// shape the matte (<see cref="MatteStages"/>) → enlarge it and finish the frame → encode, as a
/// <see cref="FramePipeline"/> with audio copied at the end.
/// </summary>
internal static class KeyedVideoRender
{
    public delegate IFrameFinisher FinisherFactory(int width, int height, MatteStages stages);

    public static async Task<RenderResult> RunAsync(string inputPath, string outputPath, KeyingOptions options,
        FramePixelFormat outputPixels, FinisherFactory createFinisher, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (options.ResumeParameters is not null && outputPixels == FramePixelFormat.Rgb24
            && (options.Format ?? OutputFormats.FromPath(outputPath)) is OutputFormat.Mp4 or OutputFormat.WebM or OutputFormat.ProRes)
            return await ResumableKeyedRender.RunAsync(inputPath, outputPath, options, createFinisher, progress, ct).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        options.Matte.Validate();
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var format = options.Format ?? OutputFormats.FromPath(outputPath);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;

        // One set of stages per video: smoothing history and recurrent model state start fresh.
        using var stages = await MatteStages.CreateAsync(options.AtFrameRate(info.FrameRate), width, height, progress, ct).ConfigureAwait(false);
        using var finisher = createFinisher(width, height, stages);
        // Provenance (issue 10): watermark + label stage after the finisher; manifest once the writer has completed.
        var stamp = OutputStamp.Create(options.Provenance, width, height, outputPixels == FramePixelFormat.Rgba32 ? 4 : 3);

        var writerOptions = new VideoWriterOptions(outputPath, width, height, info.FrameRate)
        {
            Format = format,
            InputPixelFormat = outputPixels,
            Crf = options.Crf,
            Preset = options.Preset,
            AudioSourcePath = options.KeepAudio && info.AudioStreams.Count > 0 ? inputPath : null,
        };
        await using var writer = VideoFrameWriter.Create(writerOptions);

        var total = info.FrameCount;
        var emptyMattes = new StrongBox<int>();
        var pipeline = CreatePipeline(reader.FrameSizeBytes, stages, finisher, stamp, emptyMattes);
        var written = await pipeline.RunAsync(
            (work, token) => reader.ReadFrameAsync(work.Input, token),
            async (work, token) =>
            {
                await writer.WriteFrameAsync(work.Output, token).ConfigureAwait(false);
                progress?.Report(new PipelineProgress("render", work.Index + 1, total, Path.GetFileName(inputPath)));
            },
            ct).ConfigureAwait(false);

        if (written == 0)
            throw new SynthstageException($"'{inputPath}' has no decodable video frames{(reader.Warning is null ? "" : ": " + reader.Warning)}", ExitCodes.BadInput);
        await writer.CompleteAsync(ct).ConfigureAwait(false);
        await ProvenanceWriter.WriteAsync(writer.FinalPath, stamp, KeyingProvenance.Describe(inputPath, options, width, height), ct).ConfigureAwait(false); // Provenance (issue 10)
        var warning = reader.EndedEarly
            ? $"'{Path.GetFileName(inputPath)}' is damaged or truncated: rendered the {written} frames that decode ({reader.Warning})"
            : null;
        warning = EmptyMatte.AddWarning(warning, emptyMattes.Value, written);
        var busy = pipeline.BusyTimes;
        return new RenderResult(outputPath, written, clock.Elapsed, warning)
        {
            EmptyMatteFrames = emptyMattes.Value,
            StageTimes = new Dictionary<string, TimeSpan>
            {
                ["decode"] = busy[0], ["segment"] = busy[1], ["finish"] = busy[2], ["mark"] = busy[3], ["encode"] = busy[^1],
            },
        };
    }

    /// <summary>
    /// The stages both renders run, on a pipeline as deep as memory allows: segment and shape the matte (counting the
    /// frames whose matte is empty in <paramref name="emptyMattes"/>), finish the frame, stamp it (provenance, issue 10).
    /// </summary>
    internal static FramePipeline CreatePipeline(int frameBytes, MatteStages stages, IFrameFinisher finisher, OutputStamp stamp,
        StrongBox<int> emptyMattes, int startIndex = 0)
    {
        var maskValues = stages.MaskWidth * stages.MaskHeight;
        return new FramePipeline(frameBytes, maskValues, finisher.OutputBytes, PipelineDepth(frameBytes + finisher.OutputBytes)) { StartIndex = startIndex }
            .AddStage(work =>
            {
                stages.SegmentAndShape(work.Input, work.Mask);
                if (EmptyMatte.IsEmpty(work.Mask.AsSpan(0, maskValues))) Interlocked.Increment(ref emptyMattes.Value);
            })
            .AddStage(finisher.Finish)
            .AddStage(work => stamp.Apply(work.Output));
    }

    /// <summary>Frames in flight: six for ordinary sizes, fewer for huge frames so buffers stay near 256 MB.</summary>
    internal static int PipelineDepth(long bytesPerFrame) => (int)Math.Clamp(256L * 1024 * 1024 / Math.Max(1, bytesPerFrame), 2, 6);
}
