namespace Synthstage.Walks.Upscaling;

/// <summary>
/// Enlarges RGB frames by an integer factor before they are encoded. <see cref="LanczosUpscaler"/> is the built-in
/// one; an ONNX super-resolution model can implement this interface and be passed to <see cref="WalkJob"/>.
/// </summary>
public interface IFrameUpscaler : IDisposable
{
    /// <summary>Output width and height are the input's times this factor.</summary>
    int Factor { get; }

    /// <summary>Upscales one frame.</summary>
    /// <param name="source">Width × height × 3 bytes, RGB, rows top first.</param>
    /// <param name="width">Source width.</param>
    /// <param name="height">Source height.</param>
    /// <param name="destination">Receives (width·Factor) × (height·Factor) × 3 bytes.</param>
    void Upscale(ReadOnlySpan<byte> source, int width, int height, Span<byte> destination);
}
