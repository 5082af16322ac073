using System.Text.Json.Nodes;
using Synthstage.Onnx;
using Synthstage.Provenance;
using Synthstage.Video.Resume;
using Synthstage.Walks;

namespace Synthstage.Sharding;

/// <summary>
/// A walk cut into shards. Every walk frame depends on its position alone (its noise, embeddings and step noise come
/// from the keyframes), so a shard needs no warm-up; shards start on the walk's part boundaries, so each part is encoded
/// from the same frames as in a single <c>walk</c> run and the stitched video decodes to identical frames.
/// </summary>
public sealed class WalkShardRender : IShardableRender
{
    private readonly SessionOptionsSpec _session;
    private readonly WalkJob.PreparedWalk _walk;

    private WalkShardRender(SessionOptionsSpec session, WalkJob.PreparedWalk walk, string extension)
    {
        _session = session;
        _walk = walk;
        Extension = extension;
        Parameters = walk.Parameters();
        Record = walk.Describe();
    }

    /// <summary>Checks the walk (the audio measured when it paces it) without loading the model.</summary>
    /// <param name="modelFolder">The diffusers ONNX folder, at the same path on every worker.</param>
    /// <param name="session">Execution provider and threads of each worker.</param>
    /// <param name="options">The walk; its output path is not used.</param>
    /// <param name="progress">Audio measuring.</param>
    /// <param name="ct">Cancels it.</param>
    /// <exception cref="SynthstageException">Bad options, audio or model folder.</exception>
    public static async Task<WalkShardRender> PrepareAsync(string modelFolder, SessionOptionsSpec session, WalkOptions options,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(options);
        var extension = ShardVideoFormat.Extension(options.Encoder);
        // Each shard names its own file; the walk's output is only a video path its checks accept.
        options = options with { OutputPath = Path.Combine(Path.GetTempPath(), "walk" + extension) };
        var walk = await WalkJob.PrepareAsync(modelFolder, options, null, progress, ct).ConfigureAwait(false);
        return new WalkShardRender(session, walk, extension);
    }

    /// <inheritdoc />
    public string Kind => "walk";

    /// <inheritdoc />
    public int FrameCount => _walk.Plan.FrameCount;

    /// <inheritdoc />
    public double FrameRate => _walk.Options.FrameRate;

    /// <inheritdoc />
    public int Width => _walk.OutputWidth;

    /// <inheritdoc />
    public int Height => _walk.OutputHeight;

    /// <inheritdoc />
    public string Extension { get; }

    /// <inheritdoc />
    public int AlignFrames => _walk.Options.ChunkFrames;

    /// <inheritdoc />
    public int WarmUpFrames => 0;

    /// <inheritdoc />
    public JsonObject Parameters { get; }

    /// <inheritdoc />
    public ProvenanceRecord Record { get; }

    /// <inheritdoc />
    public ResumableAudio? Audio => _walk.Audio;

    /// <inheritdoc />
    public OutputStamp Stamp(string contentId) => _walk.Stamp(contentId);

    /// <inheritdoc />
    public async Task RenderAsync(ShardRange range, string path, string contentId, IProgress<PipelineProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(range);
        var parameters = _walk.Parameters();
        parameters["shard"] = $"{range.Start}..{range.End}";
        parameters["content"] = contentId;
        await using var output = await ResumableVideoOutput.OpenAsync(new ResumableVideoOptions(path, Width, Height, FrameRate)
        {
            Parameters = parameters,
            ChunkFrames = _walk.Options.ChunkFrames,
            Encoder = _walk.Options.Encoder,
        }, ct).ConfigureAwait(false);
        var first = range.Start + output.FramesDone;
        await WalkJob.RenderFramesAsync(_walk.ModelFolder, _session, _walk, null, output, first, range.End, _walk.Stamp(contentId), progress, ct).ConfigureAwait(false);
        await output.CompleteAsync(ct).ConfigureAwait(false);
    }
}
