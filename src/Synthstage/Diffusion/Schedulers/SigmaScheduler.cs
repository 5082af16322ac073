namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// What the σ-schedulers (Euler, Euler Ancestral, LMS, DPM-Solver multistep) share: the constructor's betas → ᾱ → σ
/// preamble, the schedule before <see cref="SetTimesteps"/> (every training step, σ reversed plus a final 0), and the
/// k-diffusion wrappers (σ-scaled model input, x₀ + σ·ε forward process, begin index). Each scheduler keeps only its
/// own timestep schedule and step math.
/// </summary>
/// <remarks>The constructor calls no virtual member; a derived constructor finishes its own fields before anything runs.</remarks>
public abstract class SigmaScheduler : IDiffusionScheduler
{
    private protected SigmaScheduler(SchedulerConfig config, string name, bool allowSamplePrediction = true, bool missingTimestepMeansLast = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Name = name;
        Schedule = NoiseSchedule.Create(config, name);
        TrainSigmas = Schedule.Sigmas();
        Prediction = ModelPredictions.Resolve(config, name, allowSamplePrediction);
        Spacing = TimestepSpacing.Resolve(config, "linspace", name);
        StepsOffset = config.StepsOffset ?? 0;
        Table = new TimestepTable(name, missingTimestepMeansLast);
        Table.ResetToTraining(TrainSigmas);
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => Table.View;

    /// <summary>Noise levels σ for each timestep plus the level after the last step, descending.</summary>
    public IReadOnlyList<float> Sigmas => Array.AsReadOnly(Table.Sigmas);

    /// <inheritdoc/>
    /// <remarks>σmax for linspace and trailing spacing, √(σmax² + 1) for leading (diffusers' convention).</remarks>
    public virtual float InitNoiseSigma => Table.InitNoiseSigma(Spacing);

    /// <inheritdoc/>
    public int Order => 1;

    /// <summary>diffusers' class name, for messages.</summary>
    private protected string Name { get; }

    private protected NoiseSchedule Schedule { get; }

    /// <summary>σ of every training timestep, ascending in t.</summary>
    private protected float[] TrainSigmas { get; }

    private protected ModelPrediction Prediction { get; }

    /// <summary><c>timestep_spacing</c> (default linspace).</summary>
    private protected string Spacing { get; }

    private protected int StepsOffset { get; }

    /// <summary>The current run: timesteps, σ and the step and begin indices.</summary>
    private protected TimestepTable Table { get; }

    /// <inheritdoc/>
    public abstract void SetTimesteps(int numInferenceSteps);

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex) => Table.SetBeginIndex(beginIndex);

    /// <inheritdoc/>
    public virtual void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        Table.ScaleModelInput(sample, timestep, destination);

    /// <inheritdoc/>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        var index = Table.CurrentForStep(timestep);
        var predOriginal = StepAt(index, modelOutput, sample, prevSample, noise);
        Table.Advance(index);
        return new SchedulerStepResult(predOriginal, index);
    }

    /// <summary>The scheduler's own update at step <paramref name="index"/> (lengths checked; the index advances afterwards).</summary>
    /// <returns>The predicted x₀, in a buffer the scheduler reuses.</returns>
    private protected abstract float[] StepAt(int index, ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, Span<float> prevSample, INoiseSource? noise);

    /// <inheritdoc/>
    public virtual void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        Table.AddNoise(originalSamples, noise, timestep, destination);

    /// <summary>x₀ from a σ-scaled model output: ε → x − σ·ε, v → v·(−σ/√(σ²+1)) + x/(σ²+1), sample → the output itself.</summary>
    private protected static float PredictOriginal(ModelPrediction prediction, float sample, float modelOutput, float sigma) => prediction switch
    {
        ModelPrediction.Epsilon => sample - sigma * modelOutput,
        ModelPrediction.VPrediction => modelOutput * (-sigma / MathF.Sqrt(sigma * sigma + 1f)) + sample / (sigma * sigma + 1f),
        _ => modelOutput,
    };

    /// <summary>Timesteps by spacing, rounded to float32 as diffusers builds them.</summary>
    private protected double[] SpacedTimesteps(int numInferenceSteps) =>
        TimestepSpacing.Descending(Spacing, Schedule.Length, numInferenceSteps, StepsOffset).Select(t => (double)(float)t).ToArray();
}
