namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// A diffusers-shaped noise scheduler: it turns the denoising model's output at one timestep into the sample for
/// the next, in place or into a caller buffer, without allocating per step.
/// </summary>
/// <remarks>
/// <para>Use (as in diffusers' pipelines):</para>
/// <code>
/// scheduler.SetTimesteps(steps);
/// TensorPrimitives.Multiply(latents, scheduler.InitNoiseSigma, latents);
/// foreach (float t in scheduler.Timesteps)
/// {
///     scheduler.ScaleModelInput(latents, t, modelInput);
///     unet.Predict(modelInput, t, eps);
///     scheduler.Step(eps, t, latents, latents, generator);
/// }
/// </code>
/// <para>Samples are flat float32 spans of any layout (typically latents [B,4,H/8,W/8]); every element is treated
/// alike. Work buffers are sized on the first <c>Step</c> after <see cref="SetTimesteps"/> and reused.</para>
/// <para>Instances keep per-run state and are not thread-safe; use one per concurrent run.</para>
/// </remarks>
public interface IDiffusionScheduler
{
    /// <summary>The configuration the scheduler was built from (absent keys use this scheduler's diffusers defaults).</summary>
    SchedulerConfig Config { get; }

    /// <summary>The denoising timesteps set by <see cref="SetTimesteps"/>, in the order <c>Step</c> expects them.</summary>
    IReadOnlyList<float> Timesteps { get; }

    /// <summary>Standard deviation of the initial noise: multiply freshly drawn latents by it before the loop.</summary>
    float InitNoiseSigma { get; }

    /// <summary>Model evaluations per timestep entry (diffusers' <c>order</c>); 1 for every scheduler here.</summary>
    int Order { get; }

    /// <summary>Builds the timestep schedule for <paramref name="numInferenceSteps"/> steps and resets all per-run state (step and begin indices, history).</summary>
    /// <param name="numInferenceSteps">Number of denoising steps, 1 to <c>num_train_timesteps</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The step count is out of range for this scheduler.</exception>
    void SetTimesteps(int numInferenceSteps);

    /// <summary>
    /// Starts the run at <c>Timesteps[beginIndex]</c> instead of locating the first timestep passed to
    /// <c>Step</c>; img2img calls it with the strength-derived start before <see cref="AddNoise"/>.
    /// </summary>
    /// <param name="beginIndex">Index into <see cref="Timesteps"/>.</param>
    void SetBeginIndex(int beginIndex);

    /// <summary>Scales the sample the model sees at <paramref name="timestep"/> (k-diffusion schedulers divide by √(σ²+1); others copy).</summary>
    /// <param name="sample">Current sample.</param>
    /// <param name="timestep">One of <see cref="Timesteps"/>.</param>
    /// <param name="destination">Receives the model input; same length as <paramref name="sample"/>, may be the same span.</param>
    void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination);

    /// <summary>Advances one denoising step: writes x at the next timestep into <paramref name="prevSample"/>.</summary>
    /// <param name="modelOutput">Model output at <paramref name="timestep"/> (after guidance), interpreted per <c>prediction_type</c>.</param>
    /// <param name="timestep">The current entry of <see cref="Timesteps"/>.</param>
    /// <param name="sample">Current sample xₜ.</param>
    /// <param name="prevSample">Receives the previous sample; same length; may be the same span as <paramref name="sample"/> (in place).</param>
    /// <param name="noise">
    /// Source of standard normal noise for stochastic schedulers (Euler Ancestral, multi-step LCM, DDIM with eta &gt; 0);
    /// ignored by deterministic ones. Pass a <see cref="TorchGenerator"/> to reproduce diffusers with the same seed.
    /// </param>
    /// <returns>The predicted x₀ (a view of a reused buffer) and the index of the step taken.</returns>
    /// <exception cref="ArgumentException">Lengths differ, or the timestep is not in the schedule.</exception>
    /// <exception cref="ArgumentNullException">The scheduler needs noise and <paramref name="noise"/> is null.</exception>
    /// <exception cref="InvalidOperationException"><see cref="SetTimesteps"/> was not called.</exception>
    SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null);

    /// <summary>Noises a clean sample to the level of <paramref name="timestep"/> (forward process), for img2img.</summary>
    /// <param name="originalSamples">Clean sample x₀.</param>
    /// <param name="noise">Standard normal noise of the same length.</param>
    /// <param name="timestep">The timestep whose noise level to reach (one of <see cref="Timesteps"/> for k-diffusion schedulers).</param>
    /// <param name="destination">Receives the noisy sample; may be the same span as <paramref name="originalSamples"/>.</param>
    void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination);
}
