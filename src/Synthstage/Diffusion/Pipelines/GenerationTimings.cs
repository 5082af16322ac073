namespace Synthstage.Diffusion.Pipelines;

/// <summary>Where the time of one <see cref="StableDiffusionPipeline.Generate"/> call went.</summary>
/// <param name="Total">Wall time of the call.</param>
/// <param name="Denoise">Wall time of the denoising loops (all images).</param>
/// <param name="UNetRun">Time inside ONNX Runtime's Run for the UNet.</param>
/// <param name="OtherRun">Time inside ONNX Runtime's Run for the text encoder and VAE.</param>
/// <param name="UNetSteps">UNet steps taken (all images).</param>
public sealed record GenerationTimings(TimeSpan Total, TimeSpan Denoise, TimeSpan UNetRun, TimeSpan OtherRun, int UNetSteps)
{
    /// <summary>Share of <see cref="Total"/> spent outside ONNX Runtime's Run calls (our overhead), 0..1.</summary>
    public double OutsideRunShare => Total > TimeSpan.Zero ? Math.Max(0, 1 - (UNetRun + OtherRun) / Total) : 0;

    /// <summary>Mean wall time of one denoising step.</summary>
    public TimeSpan PerStep => UNetSteps > 0 ? Denoise / UNetSteps : TimeSpan.Zero;
}
