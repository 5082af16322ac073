using System.Diagnostics;
using Synthstage.Media;
using Synthstage.Onnx;
using Synthstage.Pipeline;
using Synthstage.Provenance;
using Synthstage.Video.Resume;

namespace Synthstage.Video;

/// <summary>
/// The one render loop of <see cref="MatteJob"/>, <see cref="CompositeJob"/> and the scene composites: decode →
/// <see cref="KeyedFrameStages"/> (segment, finish, stamp) → an <see cref="IFrameOutput"/>, plain or resumable as the
/// caller chose, on a <see cref="FramePipeline"/>; then the signed manifest. A resumed output's finished frames are
/// decoded and dropped, the last <see cref="WarmUpFrames"/> of them through the matte stages so temporal smoothing and
/// tracking start warm.
/// </summary>
internal static class KeyedVideoRender
{
    /// <summary>Frames before the resume point that go through segmentation and matte shaping again (output dropped).</summary>
    public const int WarmUpFrames = 8;

    /// <summary>How often the progress reports' bottleneck is measured again.</summary>
    private static readonly TimeSpan LoadSampleInterval = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// Checks a render before any model loads or frame decodes: validates <paramref name="options"/>, checks the output,
    /// probes the footage (the only probe of the render) and refuses an output that cannot hold the input.
    /// </summary>
    /// <exception cref="SynthstageException"><see cref="ExitCodes.Usage"/>: a bad setting, a video into a single PNG, a
    /// resumable output that is not a video file or would get alpha frames; <see cref="ExitCodes.BadInput"/>: unreadable footage.</exception>
    /// <param name="inputPath">The footage.</param>
    /// <param name="output">Plain or resumable.</param>
    /// <param name="options">Keying options (validated here).</param>
    /// <param name="outputPixels">Layout of the finished frames.</param>
    /// <param name="ct">Cancels the probe.</param>
    /// <param name="probed">The footage's probe when the caller has already made it (a batch looks at each input first); null to probe here.</param>
    public static async Task<KeyedRenderPlan> PrepareAsync(string inputPath, RenderOutput output, KeyingOptions options,
        FramePixelFormat outputPixels, CancellationToken ct, VideoInfo? probed = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(inputPath);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var format = options.Encoder.FormatFor(output.Path);
        if (output is RenderOutput.Resumable or RenderOutput.Shard)
        {
            if (output is RenderOutput.Resumable resumable) resumable.Validate();
            else ((RenderOutput.Shard)output).Validate();
            if (format != OutputFormats.FromPath(output.Path))
                throw new SynthstageException($"a resumable render writes the format its extension names; --format {format.ToString().ToLowerInvariant()} does not match '{output.Path}'", ExitCodes.Usage);
            if (outputPixels != FramePixelFormat.Rgb24)
                throw new SynthstageException("a resumable output stores RGB frames; write frames with alpha to a plain output", ExitCodes.Usage);
        }
        OnnxRuntimeSetup.WarmUp();
        var info = probed ?? await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        if (format == OutputFormat.Png && info.FrameCount > 1)
            throw new SynthstageException(
                $"'{Path.GetFileName(inputPath)}' is a video ({info.FrameCount} frames) and '{output.Path}' is a single PNG; write .mp4/.webm/.mov or a folder for a PNG sequence",
                ExitCodes.Usage);
        options.Selection.Validate(info.DisplayWidth, info.DisplayHeight, info.FrameCount, info.IsStillImage, info.FrameCountIsExact, Path.GetFileName(inputPath));
        return new KeyedRenderPlan(inputPath, info, output, options, format, outputPixels);
    }

    /// <summary>Renders <paramref name="plan"/>.</summary>
    /// <param name="plan">The checked render.</param>
    /// <param name="createFinisher">Makes the finisher (composite, alpha or mask).</param>
    /// <param name="jobSettings">The job's own settings (background, look, scene …): with the keying options they make the
    /// resume key and the manifest's parameters.</param>
    /// <param name="record">The job's manifest record; the render adds the footage, the settings and the models.</param>
    /// <param name="progress">Install, resume and per-frame progress.</param>
    /// <param name="ct">Cancels the render: a plain output leaves nothing, a resumable one keeps its finished parts.</param>
    public static async Task<RenderResult> RunAsync(KeyedRenderPlan plan, KeyedFrameStages.FinisherFactory createFinisher,
        IEnumerable<ISettingsDescription> jobSettings, ProvenanceRecord record, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        var clock = Stopwatch.StartNew();
        var settings = SettingsWriter.Collect([plan.Options, .. jobSettings]);
        var name = Path.GetFileName(plan.InputPath);
        await using var reader = VideoFrameReader.Open(plan.Input, FramePixelFormat.Rgb24);
        int width = reader.Width, height = reader.Height;
        // A resumable output is opened first: it holds the content id of the run it continues. A shard's
        // output is resumable too, under the job folder.
        var resumable = plan.Output switch
        {
            RenderOutput.Resumable => await OpenResumableAsync(plan, width, height, settings, record.Command, ct).ConfigureAwait(false),
            RenderOutput.Shard shard => new ShardFrameOutput(await OpenShardAsync(plan, shard, width, height, settings, record.Command, ct).ConfigureAwait(false), shard),
            _ => (IFrameOutput?)null,
        };
        var shardOutput = plan.Output as RenderOutput.Shard;
        var stamp = OutputStamp.Create(plan.Options.Provenance, width, height, plan.OutputBytesPerPixel, resumable?.ContentId);
        KeyedFrameStages? stages = null;
        PreparedManifest? manifest;
        // The manifest (files to hash, the signing credential) does not depend on the model or the finisher: it is signed
        // while they load, and the finisher's background was started before either (BackgroundInAdvance).
        // A shard has no manifest of its own: the stitch signs the whole file.
        var signing = shardOutput is null
            ? Task.Run(() => PrepareManifestAsync(plan, settings, record, stamp, width, height, ct), ct)
            : Task.FromResult<PreparedManifest?>(null);
        try
        {
            // One set of stages per video: smoothing history and recurrent model state start fresh.
            stages = await KeyedFrameStages.CreateAsync(plan.Options.AtFrameRate(plan.Input.FrameRate), width, height, createFinisher,
                stamp, progress, ct).ConfigureAwait(false);
            manifest = await signing.ConfigureAwait(false);
        }
        catch
        {
            stages?.Dispose();
            // Let the signing finish (it writes into the record) before the caller sees the error; its own error is the lesser one.
            await signing.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                .ConfigureAwait(false);
            if (resumable is not null) await resumable.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        using var stagesScope = stages;
        var plain = resumable is null ? OpenPlain(plan, width, height) : null;
        await using var output = (IFrameOutput?)resumable ?? plain!;
        var skipped = await SkipStoredFramesAsync(reader, stages, output.FramesDone, shardOutput?.WarmUpFrames ?? WarmUpFrames, name, progress, ct).ConfigureAwait(false);

        var total = plan.Input.FrameCount;
        var pipeline = stages.CreatePipeline(reader.FrameSizeBytes, startIndex: skipped);
        // The encoder is named with the encode stage's load: when it is the bottleneck, its speed setting is the fix.
        var encoder = new Dictionary<string, string> { [pipeline.SinkName] = OutputProfile.For(plan.Format).DescribeEncoder(plan.Options.Encoder) };
        var load = new PipelineLoadSampler(pipeline, encoder, LoadSampleInterval);
        var end = shardOutput?.End ?? int.MaxValue;
        // A shard's last frames need the look-ahead frames after its range, as they have in a single render: those are
        // read and segmented, but not written.
        var readEnd = shardOutput is null ? int.MaxValue : end + stages.Matte.LookAhead;
        var beyond = 0;
        var written = await pipeline.RunAsync(
            (work, token) => work.Index >= readEnd ? ValueTask.FromResult(false) : reader.ReadFrameAsync(work.Input, token),
            async (work, token) =>
            {
                if (work.Index >= end)
                {
                    beyond++;
                    return;
                }
                await output.WriteFrameAsync(work.Output, token).ConfigureAwait(false);
                progress?.Report(new PipelineProgress("render", work.Index + 1, total, name) { Bottleneck = load.Sample() });
            },
            ct).ConfigureAwait(false);

        written -= beyond;
        var frames = written + skipped;
        if (frames == 0)
            throw new SynthstageException($"'{plan.InputPath}' has no decodable video frames{(reader.Warning is null ? "" : ": " + reader.Warning)}", ExitCodes.BadInput);
        var finishing = Stopwatch.StartNew();
        var path = await output.CompleteAsync(ct).ConfigureAwait(false);
        var frameLoad = load.Total(finishing.Elapsed);
        await ProvenanceWriter.CompleteAsync(path, manifest, ct).ConfigureAwait(false);
        var warning = reader.EndedEarly
            ? $"'{name}' is damaged or truncated: rendered the {frames} frames that decode ({reader.Warning})"
            : null;
        warning = EmptyMatte.AddWarning(warning, stages.EmptyMattes, written);
        if (stages.Jumps.Warning() is { } jumped) warning = warning is null ? jumped : warning + "; " + jumped;
        return new RenderResult(plan.Output.Path, frames, clock.Elapsed, warning)
        {
            MatteJumps = stages.Jumps.Jumps.ToArray(),
            EmptyMatteFrames = stages.EmptyMattes,
            FramesResumed = skipped,
            StageTimes = pipeline.BusyTimes,
            Load = frameLoad,
        };
    }

    private static Task<PreparedManifest?> PrepareManifestAsync(KeyedRenderPlan plan, IReadOnlyList<Setting> settings, ProvenanceRecord record,
        OutputStamp stamp, int width, int height, CancellationToken ct)
    {
        KeyingProvenance.Describe(record, plan.InputPath, settings, plan.Options.Model, plan.Options.Store, width, height);
        return ProvenanceWriter.PrepareAsync(stamp, record, ct);
    }

    private static async Task<ResumableVideoOutput> OpenResumableAsync(KeyedRenderPlan plan, int width, int height, IReadOnlyList<Setting> settings,
        string command, CancellationToken ct)
    {
        var options = plan.Options;
        var info = plan.Input;
        var resumable = (RenderOutput.Resumable)plan.Output;
        var keepAudio = options.KeepAudio && info.AudioStreams.Count > 0;
        return await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(resumable.Path, width, height, info.FrameRate)
            {
                Parameters = ResumeKey.Build(command, plan.InputPath, settings),
                // Keyed frames are cheap to redo and 2.7 MB each at 720p: parts of PartSeconds (10 s by default; each
                // part is one more encoder start and join entry), no raw copy on disk.
                ChunkFrames = Math.Max(1, (int)Math.Round(info.FrameRate * resumable.PartSeconds)),
                KeepPendingFrames = false,
                Encoder = options.Encoder,
                Restart = resumable.Restart,
                Audio = keepAudio ? new ResumableAudio(plan.InputPath, 0, false) { CopyStreams = true } : null,
            }, ct).ConfigureAwait(false);
    }

    private static async Task<ResumableVideoOutput> OpenShardAsync(KeyedRenderPlan plan, RenderOutput.Shard shard, int width, int height,
        IReadOnlyList<Setting> settings, string command, CancellationToken ct)
    {
        var parameters = ResumeKey.Build(command, plan.InputPath, settings);
        parameters["shard"] = $"{shard.Start}..{shard.End}";
        parameters["content"] = shard.ContentId;
        return await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(shard.Path, width, height, plan.Input.FrameRate)
        {
            Parameters = parameters,
            // One part per shard: its frames are cheap to redo, and a part boundary inside would be one more key frame
            // than a single render of the same range has.
            ChunkFrames = shard.End - shard.Start,
            KeepPendingFrames = false,
            Encoder = plan.Options.Encoder,
        }, ct).ConfigureAwait(false);
    }

    private static PlainFrameOutput OpenPlain(KeyedRenderPlan plan, int width, int height)
    {
        var options = plan.Options;
        var info = plan.Input;
        var keepAudio = options.KeepAudio && info.AudioStreams.Count > 0;
        return new PlainFrameOutput(VideoFrameWriter.Create(new VideoWriterOptions(plan.Output.Path, width, height, info.FrameRate)
        {
            Encoder = options.Encoder,
            InputPixelFormat = plan.OutputPixels,
            AudioSourcePath = keepAudio ? plan.InputPath : null,
        }));
    }

    // Frames a resumed output already holds: decoded and dropped, the last few through the matte stages.
    private static async Task<int> SkipStoredFramesAsync(VideoFrameReader reader, KeyedFrameStages stages, int stored, int warmUp, string name,
        IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        if (stored == 0) return 0;
        var work = stages.CreateWork(reader.FrameSizeBytes);
        var skipped = 0;
        // Selected subjects are followed from the first frame with points, so a resumed render tracks them from there again.
        var warmFrom = Math.Min(stored - warmUp, stages.Matte.Selector?.FirstFrame ?? int.MaxValue);
        while (skipped < stored && await reader.ReadFrameAsync(work.Input, ct).ConfigureAwait(false))
        {
            if (skipped >= warmFrom) stages.WarmUp(work, skipped);
            skipped++;
            progress?.Report(new PipelineProgress("resume", skipped, stored, name));
        }
        return skipped;
    }
}
