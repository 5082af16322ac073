using System.Text.Json.Nodes;
using Synthstage.Provenance;
using Synthstage.Video.Resume;

namespace Synthstage.Sharding;

/// <summary>
/// A render that can be cut into frame ranges rendered on separate machines and joined by stream copy: a walk or a
/// keyed composite, checked and measured (frames, size, parameters) without loading its model.
/// </summary>
public interface IShardableRender
{
    /// <summary>The command it is (<c>walk</c>, <c>composite</c>).</summary>
    string Kind { get; }

    /// <summary>Frames of the whole render.</summary>
    int FrameCount { get; }

    /// <summary>Frames per second.</summary>
    double FrameRate { get; }

    /// <summary>Width of the output frames.</summary>
    int Width { get; }

    /// <summary>Height of the output frames.</summary>
    int Height { get; }

    /// <summary>Extension of the shard files and of the stitched output (<c>.mp4</c>, <c>.webm</c>, <c>.mov</c>).</summary>
    string Extension { get; }

    /// <summary>Shard boundaries fall on multiples of this (a walk's part length: the same parts as a single render).</summary>
    int AlignFrames { get; }

    /// <summary>Frames a shard renders unwritten before its range so its stateful stages start as a single render's would.</summary>
    int WarmUpFrames { get; }

    /// <summary>Every parameter the frames depend on, as the render's settings descriptions write them.</summary>
    JsonObject Parameters { get; }

    /// <summary>The manifest record of the whole output: its inputs and models are also what the job hashes.</summary>
    ProvenanceRecord Record { get; }

    /// <summary>The audio muxed once into the stitched output, or null.</summary>
    ResumableAudio? Audio { get; }

    /// <summary>The watermark and label of every frame, carrying <paramref name="contentId"/>.</summary>
    OutputStamp Stamp(string contentId);

    /// <summary>
    /// Renders the frames of <paramref name="range"/> into <paramref name="path"/> (a resumable video: rerun with the same
    /// arguments after an interruption, it continues), without audio or manifest.
    /// </summary>
    Task RenderAsync(ShardRange range, string path, string contentId, IProgress<PipelineProgress>? progress, CancellationToken ct);
}
