namespace Synthstage.Compositing;

/// <summary>Produces the background plate for each frame, as packed RGB24 at the frame's size.</summary>
public interface IBackgroundSource : IDisposable
{
    /// <summary>True when the plate never changes, so it can be rendered once and reused.</summary>
    bool IsStatic { get; }

    /// <summary>Renders the background for <paramref name="frame"/> (RGB24) into <paramref name="destination"/> (RGB24).</summary>
    void Render(ReadOnlySpan<byte> frame, Span<byte> destination);

    /// <summary>
    /// Renders the background for output frame <paramref name="frameIndex"/> (zero-based): sources that move or are
    /// generated per frame use the index; the others ignore it.
    /// </summary>
    void Render(int frameIndex, ReadOnlySpan<byte> frame, Span<byte> destination) => Render(frame, destination);
}
