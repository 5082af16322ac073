namespace Synthstage.Studio;

/// <summary>A finished matte preview.</summary>
/// <param name="OutputPath">The WebM file.</param>
/// <param name="Frames">Frames in it (the clip's).</param>
/// <param name="Elapsed">Time this call took (near zero from the cache).</param>
/// <param name="FromCache">True when an earlier preview of the same clip, model and points was reused.</param>
/// <param name="Warning">What the render warned about (an empty matte, a jump), or null.</param>
public sealed record MattePreviewResult(string OutputPath, int Frames, TimeSpan Elapsed, bool FromCache, string? Warning);
