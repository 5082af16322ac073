namespace Synthstage.Compositing;

/// <summary>Turns a frame's shaped low-resolution matte into a full-resolution 8-bit alpha plane.</summary>
public interface IMatteEnlarger : IDisposable
{
    /// <summary>Writes <paramref name="alpha"/> (frame height × width, 0..255).</summary>
    /// <param name="frame">The frame as packed RGB24 rows (the guide for edge-aware enlargement).</param>
    /// <param name="mask">The shaped matte at mask resolution, 0..1.</param>
    /// <param name="alpha">Destination, one byte per frame pixel.</param>
    void Enlarge(ReadOnlySpan<byte> frame, ReadOnlySpan<float> mask, Span<byte> alpha);
}
