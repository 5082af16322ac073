using Synthstage.Media;

namespace Synthstage.Video;

/// <summary>
/// A keyed render checked before anything is loaded or decoded (<see cref="KeyedVideoRender.PrepareAsync"/>): the
/// options validated, the footage probed once, the output's kind matched to the input's.
/// </summary>
/// <param name="InputPath">The footage as the caller named it.</param>
/// <param name="Input">What the probe found.</param>
/// <param name="Output">Plain or resumable, as the caller chose.</param>
/// <param name="Options">Validated keying options.</param>
/// <param name="Format">The output format.</param>
/// <param name="OutputPixels">Layout of the finished frames: RGB24, or RGBA32 for alpha mattes.</param>
internal sealed record KeyedRenderPlan(string InputPath, VideoInfo Input, RenderOutput Output, KeyingOptions Options,
    OutputFormat Format, FramePixelFormat OutputPixels)
{
    /// <summary>Width of the decoded frames (the display width: after rotation).</summary>
    public int FrameWidth => Input.DisplayWidth;

    /// <summary>Height of the decoded frames.</summary>
    public int FrameHeight => Input.DisplayHeight;

    /// <summary>Bytes per pixel of the finished frames.</summary>
    public int OutputBytesPerPixel => OutputPixels == FramePixelFormat.Rgba32 ? 4 : 3;
}
