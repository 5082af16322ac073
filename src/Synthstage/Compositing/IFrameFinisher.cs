using Synthstage.Pipeline;

namespace Synthstage.Compositing;

/// <summary>The last per-frame stage: turns a frame and its shaped low-resolution matte into the output frame.</summary>
public interface IFrameFinisher : IDisposable
{
    /// <summary>Bytes of one output frame (0 to write the input buffer in place).</summary>
    int OutputBytes { get; }

    /// <summary>Writes <c>work.Output</c> from <c>work.Input</c> and <c>work.Mask</c>.</summary>
    void Finish(FrameWork work);
}
