namespace Synthstage.Upscaling;

/// <summary>What <see cref="VideoUpscaleJob"/> wrote.</summary>
/// <param name="OutputPath">The video written.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
/// <param name="Factor">The model's scale factor.</param>
/// <param name="Frames">Frames written.</param>
/// <param name="Elapsed">Time from the first decoded frame to the finished file (without the model install).</param>
/// <param name="Warning">A one-line note when the input was damaged or truncated and only the frames that decode were upscaled; else null.</param>
public sealed record VideoUpscaleResult(string OutputPath, int Width, int Height, int Factor, int Frames, TimeSpan Elapsed, string? Warning)
{
    /// <summary>Time spent per frame by each pipeline thread (decode, upscale, stamp, encode).</summary>
    public IReadOnlyDictionary<string, TimeSpan> StageTimes { get; init; } = new Dictionary<string, TimeSpan>();
}
