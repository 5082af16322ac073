namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Ancestral Euler sampler (k-diffusion <c>sample_euler_ancestral</c>), diffusers'
/// <c>EulerAncestralDiscreteScheduler</c>: each step goes down to σ_down deterministically and adds fresh noise of
/// σ_up, drawn from the <see cref="INoiseSource"/> passed to <see cref="Step"/>.
/// </summary>
/// <remarks>Prediction types epsilon and v_prediction; <c>timestep_spacing</c> defaults to linspace.</remarks>
public sealed class EulerAncestralDiscreteScheduler : IDiffusionScheduler
{
    private const string Name = "EulerAncestralDiscreteScheduler";

    private readonly NoiseSchedule _schedule;
    private readonly float[] _trainSigmas;
    private readonly ModelPrediction _prediction;
    private readonly string _spacing;
    private readonly int _stepsOffset;

    private float[] _sigmas;
    private float[] _timesteps;
    private IReadOnlyList<float> _timestepsView;
    private int? _stepIndex;
    private int? _beginIndex;
    private float[]? _predOriginal;
    private float[]? _noise;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' EulerAncestralDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public EulerAncestralDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _schedule = NoiseSchedule.Create(config, Name);
        _trainSigmas = _schedule.Sigmas();
        _prediction = ModelPredictions.Resolve(config, Name, allowSample: false);
        _spacing = TimestepSpacing.Resolve(config, "linspace", Name);
        _stepsOffset = config.StepsOffset ?? 0;

        int n = _schedule.Length;
        _sigmas = new float[n + 1];
        for (int i = 0; i < n; i++)
        {
            _sigmas[i] = _trainSigmas[n - 1 - i];
        }
        _timesteps = NumpyRange.Reversed(NumpyRange.Linspace(0, n - 1, n)).Select(t => (float)t).ToArray();
        _timestepsView = Array.AsReadOnly(_timesteps);
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => _timestepsView;

    /// <summary>Noise levels σ for each timestep plus a final 0, descending.</summary>
    public IReadOnlyList<float> Sigmas => Array.AsReadOnly(_sigmas);

    /// <inheritdoc/>
    /// <remarks>σmax for linspace and trailing spacing, √(σmax² + 1) for leading.</remarks>
    public float InitNoiseSigma
    {
        get
        {
            float max = _sigmas.Max();
            return _spacing is "linspace" or "trailing" ? max : MathF.Sqrt(max * max + 1f);
        }
    }

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public void SetTimesteps(int numInferenceSteps)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, _schedule.Length);
        double[] timesteps = TimestepSpacing.Descending(_spacing, _schedule.Length, numInferenceSteps, _stepsOffset)
            .Select(t => (double)(float)t).ToArray();
        _sigmas = [.. timesteps.Select(t => (float)SigmaTable.Interp(t, _trainSigmas)), 0f];
        _timesteps = timesteps.Select(t => (float)t).ToArray();
        _timestepsView = Array.AsReadOnly(_timesteps);
        _stepIndex = null;
        _beginIndex = null;
    }

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beginIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(beginIndex, _timesteps.Length);
        _beginIndex = beginIndex;
    }

    /// <inheritdoc/>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination)
    {
        ScratchBuffer.CheckLengths(sample.Length, sample.Length, destination.Length);
        _stepIndex ??= InitialStepIndex(timestep);
        float sigma = _sigmas[_stepIndex.Value];
        float scale = MathF.Sqrt(sigma * sigma + 1f);
        for (int i = 0; i < sample.Length; i++)
        {
            destination[i] = sample[i] / scale;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Draws one standard normal value per element from <paramref name="noise"/> on every step, the last included, as diffusers does.</remarks>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        ArgumentNullException.ThrowIfNull(noise, "noise (Euler Ancestral adds fresh noise every step; pass a TorchGenerator)");
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        int index = _stepIndex ??= InitialStepIndex(timestep);
        if (index + 1 >= _sigmas.Length)
        {
            throw new InvalidOperationException($"{Name}: all {_timesteps.Length} steps have been taken; call SetTimesteps to start a new run.");
        }
        float[] pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);
        float[] z = ScratchBuffer.Ensure(ref _noise, sample.Length);

        float sigma = _sigmas[index];
        float sigmaFrom = sigma;
        float sigmaTo = _sigmas[index + 1];
        // Split the move to σ_to into a deterministic part down to σ_down and fresh noise of σ_up.
        float sigmaUp = MathF.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        float sigmaDown = MathF.Sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        float dt = sigmaDown - sigma;
        float vScale = -sigma / MathF.Sqrt(sigma * sigma + 1f);
        float vSkip = sigma * sigma + 1f;

        noise.FillStandardNormal(z);
        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            // 1. Predicted x₀ from the σ-scaled prediction.
            float x0 = _prediction == ModelPrediction.Epsilon ? s - sigma * m : m * vScale + s / vSkip;
            pred[i] = x0;
            // 2. ODE derivative, Euler step to σ_down, then noise up to σ_to.
            float derivative = (s - x0) / sigma;
            float next = s + derivative * dt;
            prevSample[i] = next + z[i] * sigmaUp;
        }

        _stepIndex = index + 1;
        return new SchedulerStepResult(pred, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination)
    {
        ScratchBuffer.CheckLengths(originalSamples.Length, noise.Length, destination.Length);
        int index = _beginIndex is null ? SigmaTable.RequireIndex(_timesteps, timestep, Name) : _stepIndex ?? _beginIndex.Value;
        float sigma = _sigmas[index];
        for (int i = 0; i < originalSamples.Length; i++)
        {
            destination[i] = originalSamples[i] + noise[i] * sigma;
        }
    }

    private int InitialStepIndex(float timestep) =>
        _beginIndex ?? SigmaTable.RequireIndex(_timesteps, timestep, Name);
}
