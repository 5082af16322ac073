namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// A scheduler's current run: its timesteps, the matching noise levels σ (for the k-diffusion style schedulers), and
/// the step and begin indices diffusers keeps in <c>_step_index</c> and <c>_begin_index</c>.
/// </summary>
internal sealed class TimestepTable
{
    private readonly string _scheduler;
    private readonly bool _missingMeansLast;
    private float[] _timesteps = [];
    private float[] _sigmas = [];
    private int? _stepIndex;
    private int? _beginIndex;

    /// <param name="scheduler">Name used in error messages.</param>
    /// <param name="missingMeansLast">
    /// DPM-Solver's rule: a timestep that is not in the schedule maps to the last step instead of failing.
    /// </param>
    public TimestepTable(string scheduler, bool missingMeansLast = false)
    {
        _scheduler = scheduler;
        _missingMeansLast = missingMeansLast;
    }

    /// <summary>The timesteps, in denoising order.</summary>
    public float[] Timesteps => _timesteps;

    /// <summary>Read-only view handed out as <see cref="IDiffusionScheduler.Timesteps"/>.</summary>
    public IReadOnlyList<float> View { get; private set; } = Array.Empty<float>();

    /// <summary>σ per timestep plus the level after the last step; empty for schedulers that do not work in σ.</summary>
    public float[] Sigmas => _sigmas;

    /// <summary>Whether <see cref="Reset"/> has run with a non-empty schedule.</summary>
    public bool IsSet => _timesteps.Length > 0;

    /// <summary>Installs a new schedule and clears the step and begin indices.</summary>
    public void Reset(float[] timesteps, float[]? sigmas = null)
    {
        _timesteps = timesteps;
        _sigmas = sigmas ?? [];
        View = Array.AsReadOnly(timesteps);
        _stepIndex = null;
        _beginIndex = null;
    }

    /// <summary>
    /// The schedule before <c>SetTimesteps</c>: every training step, noisiest first, σ reversed from the training
    /// table plus a final 0 (what diffusers' constructors set up).
    /// </summary>
    public void ResetToTraining(float[] trainSigmas)
    {
        int n = trainSigmas.Length;
        var sigmas = new float[n + 1];
        for (int i = 0; i < n; i++)
        {
            sigmas[i] = trainSigmas[n - 1 - i];
        }
        Reset(NumpyRange.Reversed(NumpyRange.Linspace(0, n - 1, n)).Select(t => (float)t).ToArray(), sigmas);
    }

    /// <summary>Sets the index the run starts at (img2img).</summary>
    public void SetBeginIndex(int beginIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(beginIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(beginIndex, Math.Max(1, _timesteps.Length));
        _beginIndex = beginIndex;
    }

    /// <summary>The index of the current step, fixing it from the begin index or from <paramref name="timestep"/> on first use.</summary>
    public int Current(float timestep) => _stepIndex ??= _beginIndex ?? Find(timestep);

    /// <summary><see cref="Current"/> for <c>Step</c>: fails once every step has been taken.</summary>
    /// <exception cref="InvalidOperationException">The schedule is exhausted or was never set.</exception>
    public int CurrentForStep(float timestep)
    {
        if (!IsSet)
        {
            throw new InvalidOperationException($"{_scheduler}: call SetTimesteps before Step.");
        }
        int index = Current(timestep);
        if (index >= _timesteps.Length)
        {
            throw new InvalidOperationException(
                $"{_scheduler}: all {_timesteps.Length} steps have been taken; call SetTimesteps to start a new run.");
        }
        return index;
    }

    /// <summary>Moves to the next step.</summary>
    public void Advance(int index) => _stepIndex = index + 1;

    /// <summary>
    /// The step whose noise level <c>AddNoise</c> uses: looked up from the timestep unless a begin index is set, in
    /// which case the current step (inpainting, after the first step) or the begin index (img2img, before it).
    /// </summary>
    public int NoiseIndex(float timestep) => _beginIndex is null ? Find(timestep) : _stepIndex ?? _beginIndex.Value;

    /// <summary>k-diffusion convention: σmax for linspace/trailing spacing, √(σmax² + 1) for leading.</summary>
    public float InitNoiseSigma(string spacing)
    {
        float max = _sigmas.Max();
        return spacing is "linspace" or "trailing" ? max : MathF.Sqrt(max * max + 1f);
    }

    /// <summary>k-diffusion input scaling x / √(σ² + 1) at the current step.</summary>
    public void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination)
    {
        ScratchBuffer.CheckLengths(sample.Length, sample.Length, destination.Length);
        float sigma = _sigmas[Current(timestep)];
        float scale = MathF.Sqrt(sigma * sigma + 1f);
        for (int i = 0; i < sample.Length; i++)
        {
            destination[i] = sample[i] / scale;
        }
    }

    /// <summary>Variance-exploding forward process x₀ + σ·ε.</summary>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination)
    {
        ScratchBuffer.CheckLengths(originalSamples.Length, noise.Length, destination.Length);
        float sigma = _sigmas[NoiseIndex(timestep)];
        for (int i = 0; i < originalSamples.Length; i++)
        {
            destination[i] = originalSamples[i] + noise[i] * sigma;
        }
    }

    private int Find(float timestep)
    {
        int index = SigmaTable.IndexForTimestep(_timesteps, timestep);
        if (index >= 0)
        {
            return index;
        }
        if (_missingMeansLast && _timesteps.Length > 0)
        {
            return _timesteps.Length - 1;
        }
        throw new ArgumentException(
            $"{_scheduler}: timestep {timestep} is not in the schedule; pass one of Timesteps (call SetTimesteps first).",
            nameof(timestep));
    }
}
