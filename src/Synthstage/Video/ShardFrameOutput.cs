using Synthstage.Video.Resume;

namespace Synthstage.Video;

/// <summary>
/// A shard's resumable output seen from the render loop: it reports the frames before the shard's range as already
/// stored (the loop decodes them, warms the matte stages up on the last few and writes from the range's first frame)
/// and carries the job's content id instead of a run id of its own.
/// </summary>
internal sealed class ShardFrameOutput(ResumableVideoOutput inner, RenderOutput.Shard shard) : IFrameOutput
{
    public int FramesDone => shard.Start + inner.FramesDone;

    public string? ContentId => shard.ContentId;

    public ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) => inner.WriteFrameAsync(frame, ct);

    public Task<string> CompleteAsync(CancellationToken ct = default) => inner.CompleteAsync(ct);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
