namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// What <see cref="IDiffusionScheduler.Step"/> reports besides the previous sample it writes into the caller's buffer.
/// </summary>
/// <param name="PredOriginalSample">
/// The predicted denoised sample x₀ of this step (LCM: its <c>denoised</c> output), same layout as the sample.
/// It views a buffer the scheduler owns and reuses: read or copy it before the next <c>Step</c>. Empty for
/// schedulers that do not form x₀ (PNDM).
/// </param>
/// <param name="StepIndex">Zero-based index of the step just taken in <see cref="IDiffusionScheduler.Timesteps"/>.</param>
public readonly record struct SchedulerStepResult(ReadOnlyMemory<float> PredOriginalSample, int StepIndex);
