namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Pseudo numerical methods for diffusion models (Liu et al. 2022, arXiv:2202.09778), diffusers' <c>PNDMScheduler</c>:
/// a Runge–Kutta warm-up (PRK, three steps of four evaluations) followed by linear multistep (PLMS) steps, or PLMS
/// only when <c>skip_prk_steps</c> is set (as Stable Diffusion's configs do).
/// </summary>
/// <remarks>
/// <para><see cref="Timesteps"/> holds the PRK timesteps then the PLMS ones, so it repeats values; the scheduler
/// follows its own step counter rather than looking the timestep up. Defaults: leading spacing,
/// <c>set_alpha_to_one</c> false, <c>skip_prk_steps</c> false. Prediction types epsilon and v_prediction.</para>
/// <para><see cref="SetBeginIndex"/> is accepted for API symmetry; like diffusers, PNDM always starts its
/// multistep history from the first step it is given.</para>
/// </remarks>
public sealed class PndmScheduler : IDiffusionScheduler
{
    private const string Name = "PNDMScheduler";
    private const int PndmOrder = 4;

    private readonly NoiseSchedule _schedule;
    private readonly float _finalAlphaCumprod;
    private readonly ModelPrediction _prediction;
    private readonly string _spacing;
    private readonly int _stepsOffset;
    private readonly bool _skipPrkSteps;
    // The last up to four model outputs ("ets"), newest at _newestEt.
    private readonly float[]?[] _ets = new float[PndmOrder][];

    private int[] _prkTimesteps = [];
    private int[] _plmsTimesteps = [];
    private readonly TimestepTable _table = new(Name);
    private int _numInferenceSteps;
    private int _counter;
    private int _etCount;
    private int _newestEt = -1;
    private bool _hasCurSample;
    private float[]? _curModelOutput;
    private float[]? _curSample;
    private float[]? _combined;

    /// <summary>Computes betas → ᾱ from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' PNDMScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public PndmScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _schedule = NoiseSchedule.Create(config, Name);
        _finalAlphaCumprod = (config.SetAlphaToOne ?? false) ? 1f : _schedule.AlphasCumprod[0];
        _prediction = ModelPredictions.Resolve(config, Name, allowSample: false);
        _spacing = TimestepSpacing.Resolve(config, "leading", Name);
        _stepsOffset = config.StepsOffset ?? 0;
        _skipPrkSteps = config.SkipPrkSteps ?? false;
    }

    /// <inheritdoc/>
    public SchedulerConfig Config { get; }

    /// <inheritdoc/>
    public IReadOnlyList<float> Timesteps => _table.View;

    /// <summary>The Runge–Kutta warm-up timesteps (empty with <c>skip_prk_steps</c>).</summary>
    public IReadOnlyList<int> PrkTimesteps => Array.AsReadOnly(_prkTimesteps);

    /// <summary>The linear multistep timesteps that follow the warm-up.</summary>
    public IReadOnlyList<int> PlmsTimesteps => Array.AsReadOnly(_plmsTimesteps);

    /// <inheritdoc/>
    public float InitNoiseSigma => 1f;

    /// <inheritdoc/>
    public int Order => 1;

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">Fewer than 4 steps while the PRK warm-up is on.</exception>
    public void SetTimesteps(int numInferenceSteps)
    {
        int numTrain = _schedule.Length;
        ConfigChoice.CheckSteps(numInferenceSteps, numTrain);
        if (!_skipPrkSteps && numInferenceSteps < PndmOrder)
        {
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                $"{Name}: `num_inference_steps` must be >= {PndmOrder} when skip_prk_steps is false.");
        }
        _numInferenceSteps = numInferenceSteps;

        // Base timesteps, ascending.
        double[] descending = TimestepSpacing.Descending(_spacing, numTrain, numInferenceSteps, _stepsOffset);
        int[] baseSteps = descending.Reverse().Select(t => (int)NumpyRange.Round(t)).ToArray();

        if (_skipPrkSteps)
        {
            // crowsonkb's PLMS: the second-to-last base step is repeated so the first step can be a
            // two-evaluation (Heun-like) warm-up.
            _prkTimesteps = [];
            _plmsTimesteps = [.. baseSteps[..^1], .. baseSteps[Math.Max(0, baseSteps.Length - 2)..^1], baseSteps[^1]];
            Array.Reverse(_plmsTimesteps);
        }
        else
        {
            // The last four base steps, each followed by its half-step, expanded into RK4's evaluation points.
            int half = numTrain / numInferenceSteps / 2;
            var points = new List<int>();
            foreach (int t in baseSteps[^PndmOrder..])
            {
                points.Add(t);
                points.Add(t + half);
            }
            var repeated = new List<int>();
            foreach (int t in points.Take(points.Count - 1))
            {
                repeated.Add(t);
                repeated.Add(t);
            }
            _prkTimesteps = repeated.Skip(1).Take(repeated.Count - 2).Reverse().ToArray();
            _plmsTimesteps = baseSteps[..^3].Reverse().ToArray();
        }

        _table.Reset([.. _prkTimesteps.Select(t => (float)t), .. _plmsTimesteps.Select(t => (float)t)]);
        _counter = 0;
        _etCount = 0;
        _newestEt = -1;
        _hasCurSample = false;
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
        int index = _counter;
        int t = _schedule.TrainIndex(timestep, Name);
        // Size the whole history and work set on the first step so later steps allocate nothing.
        ScratchBuffer.EnsureAll(_ets, sample.Length);
        ScratchBuffer.Ensure(ref _curModelOutput, sample.Length);
        ScratchBuffer.Ensure(ref _curSample, sample.Length);
        ScratchBuffer.Ensure(ref _combined, sample.Length);
        if (_counter < _prkTimesteps.Length && !_skipPrkSteps)
        {
            StepPrk(modelOutput, t, sample, prevSample);
        }
        else
        {
            StepPlms(modelOutput, t, sample, prevSample);
        }
        return new SchedulerStepResult(ReadOnlyMemory<float>.Empty, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _schedule.AddNoise(originalSamples, noise, timestep, destination, Name);

    // Runge–Kutta: four evaluations per base step, weights 1/6, 1/3, 1/3, 1/6.
    private void StepPrk(ReadOnlySpan<float> modelOutput, int timestep, ReadOnlySpan<float> sample, Span<float> prevSample)
    {
        int n = sample.Length;
        float[] cur = ScratchBuffer.Ensure(ref _curModelOutput, n);
        float[] curSample = ScratchBuffer.Ensure(ref _curSample, n);
        float[] combined = ScratchBuffer.Ensure(ref _combined, n);

        int diffToPrev = _counter % 2 != 0 ? 0 : _schedule.Length / _numInferenceSteps / 2;
        int prevTimestep = timestep - diffToPrev;
        int baseTimestep = _prkTimesteps[_counter / 4 * 4];

        ReadOnlySpan<float> output = modelOutput;
        switch (_counter % 4)
        {
            case 0:
                for (int i = 0; i < n; i++)
                {
                    cur[i] = 0f + 1f / 6f * modelOutput[i];
                }
                PushEt(modelOutput);
                sample.CopyTo(curSample);
                _hasCurSample = true;
                break;
            case 1:
            case 2:
                for (int i = 0; i < n; i++)
                {
                    cur[i] += 1f / 3f * modelOutput[i];
                }
                break;
            default:
                for (int i = 0; i < n; i++)
                {
                    combined[i] = cur[i] + 1f / 6f * modelOutput[i];
                    cur[i] = 0f;
                }
                output = combined;
                break;
        }

        ReadOnlySpan<float> from = _hasCurSample ? curSample : sample;
        PrevSample(from, baseTimestep, prevTimestep, output, prevSample);
        _counter++;
    }

    // Linear multistep with the last up to four model outputs (Adams–Bashforth weights).
    private void StepPlms(ReadOnlySpan<float> modelOutput, int timestep, ReadOnlySpan<float> sample, Span<float> prevSample)
    {
        if (!_skipPrkSteps && _etCount < 3)
        {
            throw new InvalidOperationException(
                $"{Name} can only run PLMS steps after at least 12 Runge–Kutta steps; run the PRK timesteps first or set skip_prk_steps.");
        }
        int n = sample.Length;
        float[] curSample = ScratchBuffer.Ensure(ref _curSample, n);
        float[] combined = ScratchBuffer.Ensure(ref _combined, n);
        int stepSize = _schedule.Length / _numInferenceSteps;

        int prevTimestep = timestep - stepSize;
        if (_counter != 1)
        {
            PushEt(modelOutput);
        }
        else
        {
            // The repeated timestep of skip_prk_steps: finish the two-evaluation warm-up from the previous point.
            prevTimestep = timestep;
            timestep += stepSize;
        }

        ReadOnlySpan<float> from = sample;
        if (_etCount == 1 && _counter == 0)
        {
            modelOutput.CopyTo(combined);
            sample.CopyTo(curSample);
            _hasCurSample = true;
        }
        else if (_etCount == 1 && _counter == 1)
        {
            float[] e1 = Et(0);
            for (int i = 0; i < n; i++)
            {
                combined[i] = (modelOutput[i] + e1[i]) / 2f;
            }
            from = curSample;
            _hasCurSample = false;
        }
        else if (_etCount == 2)
        {
            float[] e1 = Et(0), e2 = Et(1);
            for (int i = 0; i < n; i++)
            {
                combined[i] = (3f * e1[i] - e2[i]) / 2f;
            }
        }
        else if (_etCount == 3)
        {
            float[] e1 = Et(0), e2 = Et(1), e3 = Et(2);
            for (int i = 0; i < n; i++)
            {
                combined[i] = (23f * e1[i] - 16f * e2[i] + 5f * e3[i]) / 12f;
            }
        }
        else
        {
            float[] e1 = Et(0), e2 = Et(1), e3 = Et(2), e4 = Et(3);
            for (int i = 0; i < n; i++)
            {
                combined[i] = 1f / 24f * (55f * e1[i] - 59f * e2[i] + 37f * e3[i] - 9f * e4[i]);
            }
        }

        PrevSample(from, timestep, prevTimestep, combined, prevSample);
        _counter++;
    }

    // Formula (9) of the PNDM paper: the transfer from xₜ to xₜ₋δ given ε.
    private void PrevSample(ReadOnlySpan<float> sample, int timestep, int prevTimestep, ReadOnlySpan<float> modelOutput, Span<float> prevSample)
    {
        float alphaProdT = _schedule.AlphasCumprod[_schedule.TrainIndex(timestep, Name)];
        float alphaProdTPrev = prevTimestep >= 0 ? _schedule.AlphasCumprod[prevTimestep] : _finalAlphaCumprod;
        float betaProdT = 1f - alphaProdT;
        float betaProdTPrev = 1f - alphaProdTPrev;
        float sqrtAlphaProdT = MathF.Sqrt(alphaProdT);
        float sqrtBetaProdT = MathF.Sqrt(betaProdT);

        // (α_(t−δ) − α_t) over the denominator of x_t in formula (9), plus 1.
        float sampleCoeff = MathF.Sqrt(alphaProdTPrev / alphaProdT);
        // Denominator of e_θ(x_t, t) in formula (9).
        float modelOutputDenomCoeff = alphaProdT * MathF.Sqrt(betaProdTPrev) + MathF.Sqrt(alphaProdT * betaProdT * alphaProdTPrev);
        float alphaDiff = alphaProdTPrev - alphaProdT;

        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            if (_prediction == ModelPrediction.VPrediction)
            {
                m = sqrtAlphaProdT * m + sqrtBetaProdT * s;
            }
            prevSample[i] = sampleCoeff * s - alphaDiff * m / modelOutputDenomCoeff;
        }
    }

    private void PushEt(ReadOnlySpan<float> modelOutput)
    {
        _newestEt = (_newestEt + 1) % PndmOrder;
        modelOutput.CopyTo(_ets[_newestEt]!);
        _etCount = Math.Min(_etCount + 1, PndmOrder);
    }

    // age 0 = newest.
    private float[] Et(int age) => _ets[(_newestEt - age + PndmOrder) % PndmOrder]!;
}
