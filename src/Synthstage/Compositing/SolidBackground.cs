namespace Synthstage.Compositing;

/// <summary>A single colour behind the subject.</summary>
public sealed class SolidBackground(byte r, byte g, byte b) : IBackgroundSource
{
    /// <inheritdoc/>
    public bool IsStatic => true;

    /// <inheritdoc/>
    public void Render(ReadOnlySpan<byte> frame, Span<byte> destination)
    {
        for (var i = 0; i + 2 < destination.Length; i += 3)
        {
            destination[i] = r;
            destination[i + 1] = g;
            destination[i + 2] = b;
        }
    }

    /// <inheritdoc/>
    public void Dispose() { }
}
