namespace Synthstage.Upscaling;

/// <summary>What <see cref="ImageUpscaleJob"/> wrote.</summary>
/// <param name="OutputPath">The PNG written.</param>
/// <param name="Width">Its width in pixels.</param>
/// <param name="Height">Its height in pixels.</param>
/// <param name="Factor">The model's scale factor.</param>
/// <param name="Elapsed">Time spent upscaling (without the model install and the PNG encode).</param>
public sealed record ImageUpscaleResult(string OutputPath, int Width, int Height, int Factor, TimeSpan Elapsed);
