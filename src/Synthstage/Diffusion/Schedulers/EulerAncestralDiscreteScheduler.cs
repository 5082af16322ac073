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

    private readonly TimestepTable _table = new(Name);
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

        _table.ResetToTraining(_trainSigmas);
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => _table.View;

    /// <summary>Noise levels σ for each timestep plus a final 0, descending.</summary>
    public IReadOnlyList<float> Sigmas => Array.AsReadOnly(_table.Sigmas);

    /// <inheritdoc/>
    /// <remarks>σmax for linspace and trailing spacing, √(σmax² + 1) for leading.</remarks>
    public float InitNoiseSigma => _table.InitNoiseSigma(_spacing);

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    public void SetTimesteps(int numInferenceSteps)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, _schedule.Length);
        double[] timesteps = TimestepSpacing.Descending(_spacing, _schedule.Length, numInferenceSteps, _stepsOffset)
            .Select(t => (double)(float)t).ToArray();
        _table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. timesteps.Select(t => (float)SigmaTable.Interp(t, _trainSigmas)), 0f]);
    }

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex) => _table.SetBeginIndex(beginIndex);

    /// <inheritdoc/>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        _table.ScaleModelInput(sample, timestep, destination);

    /// <inheritdoc/>
    /// <remarks>Draws one standard normal value per element from <paramref name="noise"/> on every step, the last included, as diffusers does.</remarks>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        ArgumentNullException.ThrowIfNull(noise, "noise (Euler Ancestral adds fresh noise every step; pass a TorchGenerator)");
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        int index = _table.CurrentForStep(timestep);
        float[] sigmas = _table.Sigmas;
        float[] pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);
        float[] z = ScratchBuffer.Ensure(ref _noise, sample.Length);

        float sigma = sigmas[index];
        float sigmaFrom = sigma;
        float sigmaTo = sigmas[index + 1];
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

        _table.Advance(index);
        return new SchedulerStepResult(pred, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _table.AddNoise(originalSamples, noise, timestep, destination);
}
