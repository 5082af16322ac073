using Synthstage.Media;

namespace Synthstage.Video;

/// <summary>
/// <see cref="IFrameOutput"/> over a <see cref="VideoFrameWriter"/>: one encode from the first frame; an interrupted
/// run leaves nothing (the writer deletes its temporary output), so there is never anything to resume.
/// </summary>
internal sealed class PlainFrameOutput(VideoFrameWriter writer) : IFrameOutput
{
    /// <inheritdoc/>
    public int FramesDone => 0;

    /// <inheritdoc/>
    public string? ContentId => null;

    /// <inheritdoc/>
    public ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default) => writer.WriteFrameAsync(frame, ct);

    /// <inheritdoc/>
    public async Task<string> CompleteAsync(CancellationToken ct = default)
    {
        await writer.CompleteAsync(ct).ConfigureAwait(false);
        return writer.FinalPath;
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => writer.DisposeAsync();
}
