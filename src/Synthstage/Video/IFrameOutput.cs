namespace Synthstage.Video;

/// <summary>
/// Where a render's finished frames go: a plain file written in one go, or a resumable output that keeps the frames
/// of an interrupted run. Frames are written in order, from frame <see cref="FramesDone"/> on. Not thread-safe.
/// </summary>
public interface IFrameOutput : IAsyncDisposable
{
    /// <summary>Frames an earlier, interrupted run already stored: the render continues with this frame (0 for a fresh output).</summary>
    int FramesDone { get; }

    /// <summary>The content id the frames must carry (a resumed output keeps the id its first frames were marked with), or null for a fresh one.</summary>
    string? ContentId { get; }

    /// <summary>Stores the next frame (packed rows in the pixel layout the output was opened for; not retained).</summary>
    ValueTask WriteFrameAsync(ReadOnlyMemory<byte> frame, CancellationToken ct = default);

    /// <summary>Finishes the output and publishes it under its final name.</summary>
    /// <returns>The final path (file or folder).</returns>
    Task<string> CompleteAsync(CancellationToken ct = default);
}
