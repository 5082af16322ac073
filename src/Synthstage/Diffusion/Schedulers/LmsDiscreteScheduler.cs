namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Linear multistep sampler (k-diffusion <c>sample_lms</c>), diffusers' <c>LMSDiscreteScheduler</c>: combines the
/// last up to four ODE derivatives with coefficients integrated from their Lagrange polynomial in σ.
/// </summary>
/// <remarks>
/// diffusers integrates each coefficient with <c>scipy.integrate.quad</c>, evaluating the Lagrange basis on float32
/// sigmas in float32. The basis is a polynomial of degree ≤ 3, so a 4-point Gauss–Legendre rule (exact to degree 7)
/// gives the same integral; the integrand is evaluated in float32 at float32 nodes as in diffusers.
/// </remarks>
public sealed class LmsDiscreteScheduler : IDiffusionScheduler
{
    private const string Name = "LMSDiscreteScheduler";
    private const int MaxOrder = 4;

    // 4-point Gauss–Legendre abscissae and weights on [-1, 1].
    private static readonly double[] s_gaussNodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    private static readonly double[] s_gaussWeights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

    private readonly NoiseSchedule _schedule;
    private readonly float[] _trainSigmas;
    private readonly ModelPrediction _prediction;
    private readonly string _spacing;
    private readonly bool _useKarras;
    private readonly int _stepsOffset;
    private readonly float[]?[] _derivatives = new float[MaxOrder][];
    private readonly float[] _coefficients = new float[MaxOrder];

    private readonly TimestepTable _table = new(Name);
    private int _derivativeCount;
    private int _newestDerivative = -1;
    private float[]? _predOriginal;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' LMSDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public LmsDiscreteScheduler(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        _schedule = NoiseSchedule.Create(config, Name);
        _trainSigmas = _schedule.Sigmas();
        _prediction = ModelPredictions.Resolve(config, Name);
        _spacing = TimestepSpacing.Resolve(config, "linspace", Name);
        _useKarras = config.UseKarrasSigmas ?? false;
        _stepsOffset = config.StepsOffset ?? 0;
        // diffusers' constructor sets one step per training step.
        SetTimesteps(_schedule.Length);
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
        double[] timesteps = TimestepSpacing.Descending(_spacing, _schedule.Length, numInferenceSteps, _stepsOffset);
        double[] sigmas = timesteps.Select(t => SigmaTable.Interp(t, _trainSigmas)).ToArray();
        if (_useKarras)
        {
            sigmas = SigmaTable.Karras(sigmas[^1], sigmas[0], numInferenceSteps);
            float[] logSigmas = SigmaTable.Log(_trainSigmas);
            timesteps = sigmas.Select(s => SigmaTable.SigmaToT(s, logSigmas)).ToArray();
        }
        _table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. sigmas.Select(s => (float)s), 0f]);
        _derivativeCount = 0;
        _newestDerivative = -1;
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
        float vScale = -sigma / MathF.Sqrt(sigma * sigma + 1f);
        float vSkip = sigma * sigma + 1f;

        // 1. Predicted x₀, 2. the ODE derivative (x − x₀)/σ, kept in a ring of the last four.
        ScratchBuffer.EnsureAll(_derivatives, sample.Length);
        _newestDerivative = (_newestDerivative + 1) % MaxOrder;
        float[] derivative = _derivatives[_newestDerivative]!;
        _derivativeCount = Math.Min(_derivativeCount + 1, MaxOrder);
        for (int i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            float x0 = _prediction switch
            {
                ModelPrediction.Epsilon => s - sigma * m,
                ModelPrediction.VPrediction => m * vScale + s / vSkip,
                _ => m,
            };
            pred[i] = x0;
            derivative[i] = (s - x0) / sigma;
        }

        // 3. Linear multistep coefficients for the available history.
        int order = Math.Min(index + 1, MaxOrder);
        order = Math.Min(order, _derivativeCount);
        for (int k = 0; k < order; k++)
        {
            _coefficients[k] = (float)LmsCoefficient(order, index, k);
        }

        // 4. x_prev = x + Σ coeff_k · d_{newest−k}, summed in float32 in diffusers' order.
        float[] d0 = Derivative(0);
        float[] d1 = order > 1 ? Derivative(1) : d0;
        float[] d2 = order > 2 ? Derivative(2) : d0;
        float[] d3 = order > 3 ? Derivative(3) : d0;
        float c0 = _coefficients[0], c1 = _coefficients[1], c2 = _coefficients[2], c3 = _coefficients[3];
        for (int i = 0; i < sample.Length; i++)
        {
            float sum = c0 * d0[i];
            if (order > 1)
            {
                sum += c1 * d1[i];
            }
            if (order > 2)
            {
                sum += c2 * d2[i];
            }
            if (order > 3)
            {
                sum += c3 * d3[i];
            }
            prevSample[i] = sample[i] + sum;
        }

        _table.Advance(index);
        return new SchedulerStepResult(pred, index);
    }

    /// <inheritdoc/>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination) =>
        _table.AddNoise(originalSamples, noise, timestep, destination);

    // age 0 = the derivative just computed.
    private float[] Derivative(int age) => _derivatives[(_newestDerivative - age + MaxOrder) % MaxOrder]!;

    // ∫ from σ_t to σ_{t+1} of the Lagrange basis polynomial for history entry `currentOrder`.
    private double LmsCoefficient(int order, int t, int currentOrder)
    {
        float[] sigmas = _table.Sigmas;
        double a = sigmas[t];
        double b = sigmas[t + 1];
        double half = (b - a) / 2;
        double centre = (a + b) / 2;
        double integral = 0;
        for (int q = 0; q < s_gaussNodes.Length; q++)
        {
            float tau = (float)(centre + half * s_gaussNodes[q]);
            float product = 1f;
            for (int k = 0; k < order; k++)
            {
                if (k == currentOrder)
                {
                    continue;
                }
                product *= (tau - sigmas[t - k]) / (sigmas[t - currentOrder] - sigmas[t - k]);
            }
            integral += s_gaussWeights[q] * product;
        }
        return integral * half;
    }
}
