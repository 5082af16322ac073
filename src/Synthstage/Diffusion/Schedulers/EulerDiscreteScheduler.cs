namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Euler sampler (Algorithm 2 of Karras et al. 2022, k-diffusion <c>sample_euler</c>), diffusers'
/// <c>EulerDiscreteScheduler</c> without stochastic churn.
/// </summary>
/// <remarks>
/// Supports <c>timestep_spacing</c>, <c>steps_offset</c>, <c>interpolation_type</c> (linear, log_linear),
/// <c>use_karras_sigmas</c>, <c>final_sigmas_type</c> and all three prediction types. Defaults follow diffusers:
/// linspace spacing, linear interpolation, final sigma zero.
/// </remarks>
public sealed class EulerDiscreteScheduler : IDiffusionScheduler
{
    private const string Name = "EulerDiscreteScheduler";

    private readonly NoiseSchedule _schedule;
    private readonly float[] _trainSigmas;
    private readonly ModelPrediction _prediction;
    private readonly string _spacing;
    private readonly string _interpolation;
    private readonly string _finalSigmasType;
    private readonly bool _useKarras;
    private readonly int _stepsOffset;

    private readonly TimestepTable _table = new(Name);
    private float[]? _predOriginal;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' EulerDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public EulerDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _schedule = NoiseSchedule.Create(config, Name);
        _trainSigmas = _schedule.Sigmas();
        _prediction = ModelPredictions.Resolve(config, Name);
        _spacing = TimestepSpacing.Resolve(config, "linspace", Name);
        _interpolation = ConfigChoice.Resolve(config.InterpolationType, "linear", "interpolation_type", Name, "linear", "log_linear");
        _finalSigmasType = ConfigChoice.Resolve(config.FinalSigmasType, "zero", "final_sigmas_type", Name, "zero", "sigma_min");
        _useKarras = config.UseKarrasSigmas ?? false;
        _stepsOffset = config.StepsOffset ?? 0;

        _table.ResetToTraining(_trainSigmas);
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => _table.View;

    /// <summary>Noise levels σ for each timestep plus the final level (zero or σmin), descending.</summary>
    public IReadOnlyList<float> Sigmas => Array.AsReadOnly(_table.Sigmas);

    /// <inheritdoc/>
    /// <remarks>σmax for linspace and trailing spacing, √(σmax² + 1) for leading (diffusers' convention).</remarks>
    public float InitNoiseSigma => _table.InitNoiseSigma(_spacing);

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public void SetTimesteps(int numInferenceSteps)
    {
        int numTrain = _schedule.Length;
        ConfigChoice.CheckSteps(numInferenceSteps, numTrain);

        // 1. Timesteps by spacing; diffusers builds them as float32.
        double[] timesteps = TimestepSpacing.Descending(_spacing, numTrain, numInferenceSteps, _stepsOffset)
            .Select(t => (double)(float)t).ToArray();

        // 2. Sigmas at those timesteps.
        double[] sigmas;
        if (_interpolation == "linear")
        {
            sigmas = timesteps.Select(t => SigmaTable.Interp(t, _trainSigmas)).ToArray();
        }
        else
        {
            // log_linear: evenly spaced in log σ between σmax and σmin (n + 1 values, as diffusers).
            sigmas = NoiseSchedule.TorchLinspace((float)Math.Log(_trainSigmas[^1]), (float)Math.Log(_trainSigmas[0]), numInferenceSteps + 1)
                .Select(l => (double)MathF.Exp(l)).ToArray();
        }

        // 3. Karras noise levels replace them; timesteps follow from the sigmas.
        if (_useKarras)
        {
            sigmas = SigmaTable.Karras(sigmas[^1], sigmas[0], numInferenceSteps);
            float[] logSigmas = SigmaTable.Log(_trainSigmas);
            timesteps = sigmas.Select(s => SigmaTable.SigmaToT(s, logSigmas)).ToArray();
        }

        // 4. Append the level after the last step.
        float ac0 = _schedule.AlphasCumprod[0];
        double sigmaLast = _finalSigmasType == "sigma_min" ? MathF.Sqrt((1f - ac0) / ac0) : 0.0;
        _table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. sigmas.Select(s => (float)s), (float)sigmaLast]);
    }

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex) => _table.SetBeginIndex(beginIndex);

    /// <inheritdoc/>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        _table.ScaleModelInput(sample, timestep, destination);

    /// <inheritdoc/>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        int index = _table.CurrentForStep(timestep);
        float[] sigmas = _table.Sigmas;
        float[] pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);

        float sigma = sigmas[index];
        // Without churn (s_churn = 0) σ̂ = σ.
        float sigmaHat = sigma;
        float dt = sigmas[index + 1] - sigmaHat;
        float vScale = -sigma / MathF.Sqrt(sigma * sigma + 1f);
        float vSkip = sigma * sigma + 1f;

        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            // 1. Predicted x₀ from the σ-scaled prediction.
            float x0 = _prediction switch
            {
                ModelPrediction.Epsilon => s - sigmaHat * m,
                ModelPrediction.VPrediction => m * vScale + s / vSkip,
                _ => m,
            };
            pred[i] = x0;
            // 2. ODE derivative dx/dσ = (x − x₀)/σ, 3. one Euler step to the next σ.
            float derivative = (s - x0) / sigmaHat;
            prevSample[i] = s + derivative * dt;
        }

        _table.Advance(index);
        return new SchedulerStepResult(pred, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _table.AddNoise(originalSamples, noise, timestep, destination);
}
