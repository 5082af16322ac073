namespace Synthstage.Media;

/// <summary>
/// Layout of the raw frames exchanged with <see cref="VideoFrameReader"/> and <see cref="VideoFrameWriter"/>:
/// 8 bits per channel, rows packed top to bottom with no padding, so a frame is width × height × bytes per pixel.
/// </summary>
public enum FramePixelFormat
{
    /// <summary>3 bytes per pixel: R, G, B.</summary>
    Rgb24,

    /// <summary>4 bytes per pixel: R, G, B, A (straight, not premultiplied; 255 = opaque).</summary>
    Rgba32,
}
