using Synthstage.Video;

namespace Synthstage.Scenes;

/// <summary>What a prompt-mode composite produced.</summary>
/// <param name="Render">The video (or preview still) written.</param>
/// <param name="Plate">The scene behind the subject: its size, whether it came from the cache, and how long generating it took.</param>
/// <param name="Enlarged">The plate as enlarged toward the frame (super-resolved, or the plate itself for cubic) before the cover resampling.</param>
public sealed record SceneRenderResult(RenderResult Render, ScenePlate Plate, PlateEnlargement Enlarged);

/// <summary>What a walking-scene composite produced.</summary>
/// <param name="Render">The video written.</param>
/// <param name="Walk">The generated background frames and how many of them this run generated.</param>
public sealed record SceneWalkRenderResult(RenderResult Render, SceneWalkFrames Walk)
{
    /// <summary>How each generated frame was enlarged toward the frame (cubic: the cover alone).</summary>
    public Upscaling.ResolvedUpscaler Upscaler { get; init; } = Upscaling.ResolvedUpscaler.Cubic();
}
