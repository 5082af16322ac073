using System.Text.Json.Nodes;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Pose;
using Synthstage.Provenance;
using Synthstage.Segmentation;
using Synthstage.Video;
using Synthstage.Video.Resume;

namespace Synthstage.Sharding;

/// <summary>
/// A keyed composite cut into shards. Temporal mask smoothing (and a pose model's tracking) carry state from frame to
/// frame, so each shard first runs <see cref="DefaultWarmUpFrames"/> frames before its range through the matte stages
/// unwritten, as a resumed render does with its 8.
/// </summary>
/// <remarks>
/// The smoother keeps <c>uncertainty · ratio</c> ≤ 0.7 of the previous mask per frame (at the default --smoothing 0.7), so
/// a state difference k frames back weighs at most 0.7^k: after 8 frames up to 5.8 % (measured: 5 levels of 255 on the
/// first frames of a shard), after 24 under 0.02 %, below one output level — measured identical frames.
/// </remarks>
public sealed class CompositeShardRender : IShardableRender
{
    private readonly string _inputPath;
    private readonly IBackgroundFactory _background;
    private readonly KeyingOptions _options;
    private readonly CompositeLook _look;
    private readonly VideoInfo _info;

    private CompositeShardRender(string inputPath, IBackgroundFactory background, KeyingOptions options, CompositeLook look, VideoInfo info, string extension)
    {
        _inputPath = inputPath;
        _background = background;
        _options = options;
        _look = look;
        _info = info;
        Extension = extension;
        var settings = SettingsWriter.Collect([options, background, look]);
        var described = new JsonObject();
        foreach (var setting in settings) described[setting.Name] = setting.Value;
        Parameters = new JsonObject
        {
            ["command"] = "composite",
            ["input"] = Path.GetFullPath(inputPath),
            ["settings"] = described,
        };
        Record = KeyingProvenance.Describe(CompositeJob.Record(background), inputPath, settings, options.Model, options.Store, Width, Height);
    }

    /// <summary>Checks the composite and probes the footage; installs a built-in segmentation model that is missing, so every worker hashes the same files.</summary>
    /// <param name="inputPath">The footage, at the same path on every worker.</param>
    /// <param name="background">What goes behind the subject.</param>
    /// <param name="options">Keying options.</param>
    /// <param name="look">How the subject is blended in.</param>
    /// <param name="progress">Model install progress.</param>
    /// <param name="ct">Cancels the probe and the install.</param>
    /// <exception cref="SynthstageException">A setting is out of range, the footage is unreadable, or the model is missing.</exception>
    public static async Task<CompositeShardRender> PrepareAsync(string inputPath, IBackgroundFactory background, KeyingOptions options, CompositeLook look,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(background);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(look);
        options.Validate();
        look.Validate();
        var extension = ShardVideoFormat.Extension(options.Encoder);
        if (!File.Exists(inputPath)) throw new SynthstageException($"input '{inputPath}' does not exist", ExitCodes.BadInput);
        var info = await MediaProbe.ProbeAsync(inputPath, ct).ConfigureAwait(false);
        var choice = SegmentationModelResolver.ChooseVariant(options.Model, info.DisplayWidth, info.DisplayHeight);
        if (choice is "general" or "landscape") await SelfieModelInstaller.EnsureInstalledAsync(options.Store, choice, progress, ct).ConfigureAwait(false);
        else if (PoseSegmenter.ModelNames.TryGetValue(choice, out var variant)) await PoseModelInstaller.EnsureInstalledAsync(options.Store, variant, progress, ct).ConfigureAwait(false);
        return new CompositeShardRender(inputPath, background, options, look, info, extension);
    }

    /// <inheritdoc />
    public string Kind => "composite";

    /// <inheritdoc />
    public int FrameCount => _info.FrameCount;

    /// <inheritdoc />
    public double FrameRate => _info.FrameRate;

    /// <inheritdoc />
    public int Width => _info.DisplayWidth;

    /// <inheritdoc />
    public int Height => _info.DisplayHeight;

    /// <inheritdoc />
    public string Extension { get; }

    /// <inheritdoc />
    public int AlignFrames => 1;

    /// <inheritdoc />
    public int WarmUpFrames => DefaultWarmUpFrames;

    /// <summary>Warm-up frames per shard unless the plan says otherwise: enough for the smoothing state to agree with a single render's to below one output level.</summary>
    public const int DefaultWarmUpFrames = 24;

    /// <inheritdoc />
    public JsonObject Parameters { get; }

    /// <inheritdoc />
    public ProvenanceRecord Record { get; }

    /// <inheritdoc />
    public ResumableAudio? Audio => _options.KeepAudio && _info.AudioStreams.Count > 0 ? new ResumableAudio(_inputPath, 0, false) { CopyStreams = true } : null;

    /// <inheritdoc />
    public OutputStamp Stamp(string contentId) => OutputStamp.Create(_options.Provenance, Width, Height, 3, contentId);

    /// <inheritdoc />
    public Task RenderAsync(ShardRange range, string path, string contentId, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        return CompositeJob.RunAsync(_inputPath, new RenderOutput.Shard(path, range.Start, range.End, contentId) { WarmUpFrames = range.WarmUpFrames }, _background, _options, _look, progress, ct);
    }
}
