namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Latent consistency model sampler (Luo et al. 2023, arXiv:2310.04378), diffusers' <c>LCMScheduler</c>: each step
/// maps xₜ to a denoised estimate through the consistency boundary conditions, then (except on the last step)
/// re-noises it to the next timestep with noise from the source passed to <see cref="Step"/>.
/// </summary>
/// <remarks>
/// Defaults follow diffusers: betas 0.00085 → 0.012 scaled_linear, <c>original_inference_steps</c> 50,
/// <c>timestep_scaling</c> 10, <c>set_alpha_to_one</c> true, <c>clip_sample</c> false. The step result's
/// <see cref="SchedulerStepResult.PredOriginalSample"/> is diffusers' <c>denoised</c>, the image to decode.
/// Not supported: custom timesteps, thresholding.
/// </remarks>
public sealed class LcmScheduler : IDiffusionScheduler
{
    private const string Name = "LCMScheduler";
    private const float SigmaData = 0.5f;

    private readonly NoiseSchedule _schedule;
    private readonly float _finalAlphaCumprod;
    private readonly ModelPrediction _prediction;
    private readonly int _originalInferenceSteps;
    private readonly float _timestepScaling;
    private readonly bool _clipSample;
    private readonly float _clipSampleRange;

    private readonly TimestepTable _table = new(Name);
    private int _numInferenceSteps;
    private float[]? _denoised;
    private float[]? _noise;

    /// <summary>Computes betas → ᾱ from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' LCMScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public LcmScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        ConfigChoice.RejectThresholding(config, Name);
        _schedule = NoiseSchedule.Create(config, Name, defaultBetaStart: 0.00085, defaultBetaEnd: 0.012, defaultSchedule: "scaled_linear");
        _finalAlphaCumprod = (config.SetAlphaToOne ?? true) ? 1f : _schedule.AlphasCumprod[0];
        _prediction = ModelPredictions.Resolve(config, Name);
        // LCM only supports its own linearly spaced distillation schedule; leading is what diffusers records.
        TimestepSpacing.Resolve(config, "leading", Name);
        _originalInferenceSteps = config.OriginalInferenceSteps ?? 50;
        if (_originalInferenceSteps < 1 || _originalInferenceSteps > _schedule.Length)
        {
            throw new SynthstageException(
                $"{Name}: original_inference_steps {_originalInferenceSteps} must be between 1 and num_train_timesteps ({_schedule.Length}).",
                ExitCodes.BadModel);
        }
        _timestepScaling = (float)(config.TimestepScaling ?? 10.0);
        _clipSample = config.ClipSample ?? false;
        _clipSampleRange = (float)(config.ClipSampleRange ?? 1.0);

        _table.Reset(Enumerable.Range(0, _schedule.Length).Reverse().Select(t => (float)t).ToArray());
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => _table.View;

    /// <inheritdoc/>
    public float InitNoiseSigma => 1f;

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">More steps than <c>original_inference_steps</c>.</exception>
    public void SetTimesteps(int numInferenceSteps) => SetTimesteps(numInferenceSteps, 1f);

    /// <summary>
    /// Builds the schedule for img2img at <paramref name="strength"/>: the distillation schedule is cut to its first
    /// <c>original_inference_steps · strength</c> entries before <paramref name="numInferenceSteps"/> are picked from it,
    /// as diffusers' <c>set_timesteps(..., strength=)</c> does for the LCM img2img pipeline.
    /// </summary>
    /// <param name="numInferenceSteps">Number of denoising steps, at most <c>original_inference_steps · strength</c>.</param>
    /// <param name="strength">How much of the schedule to keep, in (0, 1]; 1 for text-to-image.</param>
    /// <exception cref="ArgumentOutOfRangeException">Strength outside (0, 1], or too many steps for it.</exception>
    public void SetTimesteps(int numInferenceSteps, float strength)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, _schedule.Length);
        if (!(strength > 0f && strength <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(strength), strength, $"{Name}: strength must be in (0, 1].");
        }

        // 1. The distillation schedule: every k-th training step, k = N / original_inference_steps.
        int k = _schedule.Length / _originalInferenceSteps;
        int kept = (int)(_originalInferenceSteps * (double)strength);
        if (kept / numInferenceSteps < 1 || numInferenceSteps > _originalInferenceSteps)
        {
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                $"{Name}: at most original_inference_steps × strength ({_originalInferenceSteps} × {strength} = {kept}) steps are possible.");
        }
        int[] origin = Enumerable.Range(1, kept).Select(i => i * k - 1).Reverse().ToArray();

        // 2. n (approximately) evenly spaced entries of it, from the noisiest.
        double[] indices = NumpyRange.Linspace(0, origin.Length, numInferenceSteps, endpoint: false);
        _table.Reset(indices.Select(i => (float)origin[(int)Math.Floor(i)]).ToArray());
        _numInferenceSteps = numInferenceSteps;
    }

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex) => _table.SetBeginIndex(beginIndex);

    /// <inheritdoc/>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        ScratchBuffer.CopyUnscaled(sample, destination);

    /// <inheritdoc/>
    /// <remarks>Draws noise (one value per element) on every step except the last.</remarks>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        if (_numInferenceSteps == 0)
        {
            throw new InvalidOperationException($"{Name}: call SetTimesteps before Step.");
        }
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        int index = _table.CurrentForStep(timestep);
        bool lastStep = index == _numInferenceSteps - 1;
        if (!lastStep)
        {
            ArgumentNullException.ThrowIfNull(noise, "noise (multi-step LCM re-noises between steps; pass a TorchGenerator)");
        }
        float[] denoised = ScratchBuffer.Ensure(ref _denoised, sample.Length);

        // 1. Previous step value: the next entry of the schedule (the same timestep on the last step).
        int t = _schedule.TrainIndex(timestep, Name);
        float[] timesteps = _table.Timesteps;
        int prevT = index + 1 < timesteps.Length ? (int)timesteps[index + 1] : t;

        // 2. ᾱ and β.
        float alphaProdT = _schedule.AlphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? _schedule.AlphasCumprod[prevT] : _finalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdTPrev = 1f - alphaProdTPrev;
        float sqrtAlphaProdT = MathF.Sqrt(alphaProdT);
        float sqrtBetaProdT = MathF.Sqrt(betaProdT);

        // 3. Consistency boundary-condition scalings c_skip, c_out at the scaled timestep.
        float scaled = t * _timestepScaling;
        float cSkip = SigmaData * SigmaData / (scaled * scaled + SigmaData * SigmaData);
        float cOut = scaled / MathF.Sqrt(scaled * scaled + SigmaData * SigmaData);

        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            // 4. Predicted x₀ for the model's parameterisation, 5. optional clip.
            float x0 = _prediction switch
            {
                ModelPrediction.Epsilon => (s - sqrtBetaProdT * m) / sqrtAlphaProdT,
                ModelPrediction.VPrediction => sqrtAlphaProdT * s - sqrtBetaProdT * m,
                _ => m,
            };
            if (_clipSample)
            {
                x0 = Math.Clamp(x0, -_clipSampleRange, _clipSampleRange);
            }
            // 6. Denoise with the boundary conditions.
            denoised[i] = cOut * x0 + cSkip * s;
        }

        // 7. Re-noise to the next timestep, except after the last step.
        if (lastStep)
        {
            denoised.CopyTo(prevSample);
        }
        else
        {
            float[] z = ScratchBuffer.Ensure(ref _noise, sample.Length);
            noise!.FillStandardNormal(z);
            float sqrtAlphaPrev = MathF.Sqrt(alphaProdTPrev);
            float sqrtBetaPrev = MathF.Sqrt(betaProdTPrev);
            for (int i = 0; i < sample.Length; i++)
            {
                prevSample[i] = sqrtAlphaPrev * denoised[i] + sqrtBetaPrev * z[i];
            }
        }

        _table.Advance(index);
        return new SchedulerStepResult(denoised, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _schedule.AddNoise(originalSamples, noise, timestep, destination, Name);
}
