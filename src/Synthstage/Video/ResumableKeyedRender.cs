using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Video.Resume;

namespace Synthstage.Video;

/// <summary>
/// <see cref="KeyedVideoRender"/> through a <see cref="ResumableVideoOutput"/>: rerunning a killed render with the same
/// parameters keeps the finished frames, decodes and drops them, runs the last <see cref="WarmUpFrames"/> before the resume
/// point through the matte stages (so temporal smoothing and tracking start warm), and renders the rest.
/// </summary>
internal static class ResumableKeyedRender
{
    /// <summary>Frames before the resume point that go through segmentation and matte shaping again (output dropped).</summary>
    public const int WarmUpFrames = 8;

    public static async Task<RenderResult> RunAsync(string inputPath, string outputPath, KeyingOptions options,
        KeyedVideoRender.FinisherFactory createFinisher, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        options.Matte.Validate();
        ResumableVideoOutput.CheckOutputPath(outputPath);
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        await using var reader = VideoFrameReader.Open(info, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;

        await using var output = await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(outputPath, width, height, info.FrameRate)
        {
            Parameters = Parameters(inputPath, options),
            // Keyed frames are cheap to redo and 2.7 MB each at 720p: parts of ResumePartSeconds (10 s by default; each
            // part is one more encoder start and join entry), no raw copy on disk.
            ChunkFrames = Math.Max(1, (int)Math.Round(info.FrameRate * options.ResumePartSeconds)),
            KeepPendingFrames = false,
            Crf = options.Crf,
            Preset = options.Preset,
            Restart = options.Restart,
            Audio = options.KeepAudio && info.AudioStreams.Count > 0 ? new ResumableAudio(inputPath, 0, false) { CopyStreams = true } : null,
        }, ct).ConfigureAwait(false);
        var done = output.FramesDone;

        using var stages = await MatteStages.CreateAsync(options.AtFrameRate(info.FrameRate), width, height, progress, ct).ConfigureAwait(false);
        using var finisher = createFinisher(width, height, stages);
        // Provenance (issue 10): the run id is the content id, so a resumed render carries one watermark payload.
        var stamp = OutputStamp.Create(options.Provenance, width, height, 3, output.RunId);

        // Frames already written: decode and drop, the last few through the matte stages to warm them up.
        var total = info.FrameCount;
        var skipped = 0;
        if (done > 0)
        {
            var frame = new byte[reader.FrameSizeBytes];
            var mask = new float[stages.MaskWidth * stages.MaskHeight];
            while (skipped < done && await reader.ReadFrameAsync(frame, ct).ConfigureAwait(false))
            {
                if (skipped >= done - WarmUpFrames) stages.SegmentAndShape(frame, mask);
                skipped++;
                progress?.Report(new PipelineProgress("resume", skipped, done, Path.GetFileName(inputPath)));
            }
        }

        var emptyMattes = new StrongBox<int>();
        var pipeline = KeyedVideoRender.CreatePipeline(reader.FrameSizeBytes, stages, finisher, stamp, emptyMattes, startIndex: skipped);
        var written = await pipeline.RunAsync(
            (work, token) => reader.ReadFrameAsync(work.Input, token),
            async (work, token) =>
            {
                await output.WriteFrameAsync(work.Output, token).ConfigureAwait(false);
                progress?.Report(new PipelineProgress("render", work.Index + 1, total, Path.GetFileName(inputPath)));
            },
            ct).ConfigureAwait(false);

        if (written + skipped == 0)
            throw new SynthstageException($"'{inputPath}' has no decodable video frames{(reader.Warning is null ? "" : ": " + reader.Warning)}", ExitCodes.BadInput);
        var path = await output.CompleteAsync(ct).ConfigureAwait(false);
        await ProvenanceWriter.WriteAsync(path, stamp,
            KeyingProvenance.Describe(inputPath, options with { ProvenanceRecord = options.ProvenanceRecord ?? new ProvenanceRecord("composite") }, width, height),
            ct).ConfigureAwait(false);
        var warning = reader.EndedEarly
            ? $"'{Path.GetFileName(inputPath)}' is damaged or truncated: rendered the {written + skipped} frames that decode ({reader.Warning})"
            : null;
        warning = EmptyMatte.AddWarning(warning, emptyMattes.Value, written);
        var busy = pipeline.BusyTimes;
        return new RenderResult(outputPath, written + skipped, clock.Elapsed, warning)
        {
            EmptyMatteFrames = emptyMattes.Value,
            FramesResumed = skipped,
            StageTimes = new Dictionary<string, TimeSpan>
            {
                ["decode"] = busy[0], ["segment"] = busy[1], ["finish"] = busy[2], ["mark"] = busy[3], ["encode"] = busy[^1],
            },
        };
    }

    /// <summary>What the frames depend on: the caller's parameters, the input file, the keying settings and the provenance marks.</summary>
    private static JsonObject Parameters(string inputPath, KeyingOptions options)
    {
        var inv = CultureInfo.InvariantCulture;
        var input = new FileInfo(inputPath);
        var parameters = (JsonObject)options.ResumeParameters!.DeepClone();
        parameters["input"] = new JsonObject
        {
            ["path"] = input.FullName,
            ["bytes"] = input.Length,
            ["modified"] = input.LastWriteTimeUtc.Ticks,
        };
        parameters["keying"] = new JsonObject
        {
            ["model"] = options.Model,
            ["threshold"] = options.Matte.Threshold.ToString("R", inv),
            ["softness"] = options.Matte.Softness.ToString("R", inv),
            ["feather"] = options.Matte.Feather.ToString("R", inv),
            ["smoothing"] = options.Matte.Smoothing.ToString("R", inv),
            ["refine"] = options.Matte.Refine.ToString(),
            ["keepAudio"] = options.KeepAudio,
        };
        parameters["watermark"] = options.Provenance.Watermark ? options.Provenance.WatermarkStrength.ToString("R", inv) : "off";
        parameters["label"] = string.IsNullOrWhiteSpace(options.Provenance.Label) ? null : options.Provenance.Label;
        return parameters;
    }
}
