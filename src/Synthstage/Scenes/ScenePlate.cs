using Synthstage.Imaging;
using Synthstage.Diffusion.Pipelines;

namespace Synthstage.Scenes;

/// <summary>A generated scene, ready to be enlarged behind the subject.</summary>
/// <param name="Image">The scene at the size it was generated.</param>
/// <param name="Parameters">Prompt, seed, steps, guidance, scheduler, model and size, as stored in the PNG.</param>
/// <param name="RequestedWidth">The size asked for (native pixels at the footage's aspect).</param>
/// <param name="RequestedHeight">Height asked for.</param>
/// <param name="FromCache">True when the plate was found in the cache and nothing was generated.</param>
/// <param name="GenerationTime">Time spent loading the model and generating (zero from the cache).</param>
/// <param name="CachePath">The cached PNG.</param>
/// <param name="SizeNote">Why the size differs from what was asked for, or an assumption made about the model; null when neither.</param>
public sealed record ScenePlate(RgbImage Image, IReadOnlyList<KeyValuePair<string, string>> Parameters, int RequestedWidth, int RequestedHeight,
    bool FromCache, TimeSpan GenerationTime, string CachePath, string? SizeNote);
