using System.Text.Json.Nodes;

namespace Synthstage.Video.Resume;

/// <summary>What <see cref="ResumableVideoOutput"/> writes, and the parameters a later run must repeat to continue it.</summary>
/// <param name="OutputPath">The final .mp4, .webm or .mov; its folder must exist. The state file (<c>OUT.resume.json</c>) and
/// the part files (<c>OUT.parts/</c>) are kept beside it until the output is complete.</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="FrameRate">Frames per second.</param>
public sealed record ResumableVideoOptions(string OutputPath, int Width, int Height, double FrameRate)
{
    /// <summary>
    /// Everything the frames depend on (prompts, seeds, model, sizes …). A run finding a state file with other
    /// parameters refuses to continue it unless <see cref="Restart"/>. The output's own settings are added to it.
    /// </summary>
    public JsonObject Parameters { get; init; } = [];

    /// <summary>Frames per part file. Part boundaries depend only on this, never on where a run stopped, so a
    /// resumed output has the same bytes as an uninterrupted one.</summary>
    public int ChunkFrames { get; init; } = 16;

    /// <summary>
    /// Also keep the raw frames of the part being encoded on disk, so a crash loses no rendered frame (for frames that
    /// take seconds each). Off, a crash re-renders at most one part; worth it when frames are cheap and large.
    /// </summary>
    public bool KeepPendingFrames { get; init; } = true;

    /// <summary>CRF, preset and VP9 deadline of every part. A format, when set, must be the one <see cref="OutputPath"/>'s
    /// extension names: the parts are joined by stream copy into that container.</summary>
    public Media.EncoderSettings Encoder { get; init; } = Media.EncoderSettings.Default;

    /// <summary>Discard an existing state and its parts instead of refusing when the parameters differ.</summary>
    public bool Restart { get; init; }

    /// <summary>Audio muxed into the finished output, or null for none.</summary>
    public ResumableAudio? Audio { get; init; }
}
