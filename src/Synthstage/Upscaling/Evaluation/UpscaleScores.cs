namespace Synthstage.Upscaling.Evaluation;

/// <summary>One method's scores at one factor, averaged over the frames.</summary>
/// <param name="Method">The model's name, or <c>lanczos-xN</c>.</param>
/// <param name="Factor">The enlargement.</param>
/// <param name="Frames">Frames scored.</param>
/// <param name="PsnrY">Mean PSNR on luma (dB).</param>
/// <param name="SsimY">Mean SSIM on luma.</param>
/// <param name="PsnrRgb">Mean PSNR over the RGB values (dB).</param>
/// <param name="FramesBetterThanLanczos">Frames where the luma PSNR beats Lanczos-3's (0 for Lanczos itself).</param>
/// <param name="MillisecondsPerMegapixel">Enlargement time per output megapixel (the CPU may be shared: compare within one run); NaN when not timed.</param>
public sealed record UpscaleMethodScore(string Method, int Factor, int Frames, double PsnrY, double SsimY, double PsnrRgb,
    int FramesBetterThanLanczos, double MillisecondsPerMegapixel);

/// <summary>One frame's luma PSNR with one method, for the per-frame listing.</summary>
/// <param name="Frame">Source file and frame number.</param>
/// <param name="Method">Model or Lanczos.</param>
/// <param name="Factor">The enlargement.</param>
/// <param name="PsnrY">Luma PSNR (dB).</param>
/// <param name="SsimY">Luma SSIM.</param>
public sealed record UpscaleFrameScore(string Frame, string Method, int Factor, double PsnrY, double SsimY);

/// <summary>What <see cref="UpscaleEvaluation"/> measured.</summary>
/// <param name="Methods">Per method and factor: Lanczos-3 and bicubic per factor first, then each model.</param>
/// <param name="PerFrame">Every frame's scores.</param>
/// <param name="Border">Pixels cropped from every side before scoring (the factor when not set).</param>
/// <param name="Shrink">How the originals were shrunk, in words.</param>
/// <param name="Size">Original frame size.</param>
public sealed record UpscaleScores(IReadOnlyList<UpscaleMethodScore> Methods, IReadOnlyList<UpscaleFrameScore> PerFrame, int? Border, string Shrink, string Size)
{
    /// <summary>The crop written, or null.</summary>
    public string? CropPath { get; init; }
}
