namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Denoising diffusion implicit models (Song et al. 2020, arXiv:2010.02502), diffusers' <c>DDIMScheduler</c>.
/// Deterministic for <see cref="Eta"/> = 0; with η &gt; 0 it adds σₜ(η)-scaled noise from the source passed to <see cref="Step"/>.
/// </summary>
/// <remarks>
/// Defaults follow diffusers: leading spacing, <c>clip_sample</c> true, <c>set_alpha_to_one</c> true. Timesteps are
/// integer training steps. <see cref="SetBeginIndex"/> is accepted for API symmetry; DDIM derives everything from the
/// timestep itself.
/// </remarks>
public sealed class DdimScheduler : IDiffusionScheduler
{
    private const string Name = "DDIMScheduler";

    private readonly NoiseSchedule _schedule;
    private readonly float _finalAlphaCumprod;
    private readonly ModelPrediction _prediction;
    private readonly string _spacing;
    private readonly int _stepsOffset;
    private readonly bool _clipSample;
    private readonly float _clipSampleRange;

    private readonly TimestepTable _table = new(Name);
    private int _numInferenceSteps;
    private float _eta;
    private float[]? _predOriginal;
    private float[]? _noise;

    /// <summary>Computes betas → ᾱ from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' DDIMScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public DdimScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        ConfigChoice.RejectThresholding(config, Name);
        _schedule = NoiseSchedule.Create(config, Name);
        // At the step past the last, ᾱ is 1 (a clean sample) or ᾱ₀.
        _finalAlphaCumprod = (config.SetAlphaToOne ?? true) ? 1f : _schedule.AlphasCumprod[0];
        _prediction = ModelPredictions.Resolve(config, Name);
        _spacing = TimestepSpacing.Resolve(config, "leading", Name);
        _stepsOffset = config.StepsOffset ?? 0;
        _clipSample = config.ClipSample ?? true;
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

    /// <summary>
    /// η of formula (16): 0 gives deterministic DDIM, 1 gives DDPM-like ancestral sampling. diffusers passes it to
    /// <c>step</c>; here it is a property set before the loop.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative or not finite.</exception>
    public float Eta
    {
        get => _eta;
        set
        {
            if (!float.IsFinite(value) || value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "DDIM eta must be a finite value ≥ 0.");
            }
            _eta = value;
        }
    }

    /// <inheritdoc/>
    public void SetTimesteps(int numInferenceSteps)
    {
        int numTrain = _schedule.Length;
        ConfigChoice.CheckSteps(numInferenceSteps, numTrain);
        _numInferenceSteps = numInferenceSteps;
        _table.Reset(TimestepSpacing.Descending(_spacing, numTrain, numInferenceSteps, _stepsOffset)
            .Select(t => (float)NumpyRange.Round(t)).ToArray());
    }

    /// <inheritdoc/>
    public void SetBeginIndex(int beginIndex) => _table.SetBeginIndex(beginIndex);

    /// <inheritdoc/>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        ScratchBuffer.CopyUnscaled(sample, destination);

    /// <inheritdoc/>
    public SchedulerStepResult Step(ReadOnlySpan<float> modelOutput, float timestep, ReadOnlySpan<float> sample,
        Span<float> prevSample, INoiseSource? noise = null)
    {
        if (_numInferenceSteps == 0)
        {
            throw new InvalidOperationException($"{Name}: call SetTimesteps before Step.");
        }
        ScratchBuffer.CheckLengths(sample.Length, modelOutput.Length, prevSample.Length);
        if (_eta > 0)
        {
            ArgumentNullException.ThrowIfNull(noise, "noise (DDIM with eta > 0 adds noise; pass a TorchGenerator)");
        }
        float[] pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);

        // 1. Previous step value (t − N/n).
        int t = _schedule.TrainIndex(timestep, Name);
        int prevT = t - _schedule.Length / _numInferenceSteps;

        // 2. ᾱₜ, ᾱₜ₋₁ and βₜ.
        float alphaProdT = _schedule.AlphasCumprod[t];
        float alphaProdTPrev = prevT >= 0 ? _schedule.AlphasCumprod[prevT] : _finalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdTPrev = 1f - alphaProdTPrev;
        float sqrtAlphaProdT = MathF.Sqrt(alphaProdT);
        float sqrtBetaProdT = MathF.Sqrt(betaProdT);

        // 5. σₜ(η), formula (16).
        float variance = betaProdTPrev / betaProdT * (1f - alphaProdT / alphaProdTPrev);
        float stdDevT = _eta * MathF.Sqrt(variance);
        // 6. Coefficient of the "direction pointing to xₜ", formula (12).
        float directionCoeff = MathF.Sqrt(1f - alphaProdTPrev - stdDevT * stdDevT);
        float sqrtAlphaProdTPrev = MathF.Sqrt(alphaProdTPrev);

        Span<float> z = default;
        if (_eta > 0)
        {
            z = ScratchBuffer.Ensure(ref _noise, sample.Length);
            noise!.FillStandardNormal(z);
        }

        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            // 3. Predicted x₀ ("predicted x_0" of formula (12)) and the matching ε.
            float x0, eps;
            switch (_prediction)
            {
                case ModelPrediction.Epsilon:
                    x0 = (s - sqrtBetaProdT * m) / sqrtAlphaProdT;
                    eps = m;
                    break;
                case ModelPrediction.Sample:
                    x0 = m;
                    eps = (s - sqrtAlphaProdT * x0) / sqrtBetaProdT;
                    break;
                default:
                    x0 = sqrtAlphaProdT * s - sqrtBetaProdT * m;
                    eps = sqrtAlphaProdT * m + sqrtBetaProdT * s;
                    break;
            }
            // 4. Clip x₀.
            if (_clipSample)
            {
                x0 = Math.Clamp(x0, -_clipSampleRange, _clipSampleRange);
            }
            pred[i] = x0;
            // 7. xₜ₋₁ without noise, formula (12), plus σₜ·z when η > 0.
            float prev = sqrtAlphaProdTPrev * x0 + directionCoeff * eps;
            prevSample[i] = _eta > 0 ? prev + stdDevT * z[i] : prev;
        }

        int index = Array.IndexOf(_table.Timesteps, timestep);
        return new SchedulerStepResult(pred, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _schedule.AddNoise(originalSamples, noise, timestep, destination, Name);
}
