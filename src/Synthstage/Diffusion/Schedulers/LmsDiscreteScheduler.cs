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
public sealed class LmsDiscreteScheduler : SigmaScheduler
{
    private const int MaxOrder = 4;

    // 4-point Gauss–Legendre abscissae and weights on [-1, 1].
    private static readonly double[] s_gaussNodes = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
    private static readonly double[] s_gaussWeights = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

    private readonly bool _useKarras;
    private readonly float[]?[] _derivatives = new float[MaxOrder][];
    private readonly float[] _coefficients = new float[MaxOrder];
    private int _derivativeCount;
    private int _newestDerivative = -1;
    private float[]? _predOriginal;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' LMSDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public LmsDiscreteScheduler(SchedulerConfig config)
        : base(config, "LMSDiscreteScheduler")
    {
        _useKarras = config.UseKarrasSigmas ?? false;
        // diffusers' constructor sets one step per training step (SetTimesteps is not virtual here: the class is sealed).
        SetTimesteps(Schedule.Length);
    }

    /// <inheritdoc/>
    public override void SetTimesteps(int numInferenceSteps)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, Schedule.Length);
        var timesteps = TimestepSpacing.Descending(Spacing, Schedule.Length, numInferenceSteps, StepsOffset);
        var sigmas = timesteps.Select(t => SigmaTable.Interp(t, TrainSigmas)).ToArray();
        if (_useKarras)
        {
            sigmas = SigmaTable.Karras(sigmas[^1], sigmas[0], numInferenceSteps);
            var logSigmas = SigmaTable.Log(TrainSigmas);
            timesteps = sigmas.Select(s => SigmaTable.SigmaToT(s, logSigmas)).ToArray();
        }
        Table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. sigmas.Select(s => (float)s), 0f]);
        _derivativeCount = 0;
        _newestDerivative = -1;
    }

    /// <inheritdoc/>
    private protected override float[] StepAt(int index, ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, Span<float> prevSample, INoiseSource? noise)
    {
        var sigmas = Table.Sigmas;
        var pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);
        var sigma = sigmas[index];

        // 1. Predicted x₀, 2. the ODE derivative (x − x₀)/σ, kept in a ring of the last four.
        ScratchBuffer.EnsureAll(_derivatives, sample.Length);
        _newestDerivative = (_newestDerivative + 1) % MaxOrder;
        var derivative = _derivatives[_newestDerivative]!;
        _derivativeCount = Math.Min(_derivativeCount + 1, MaxOrder);
        for (var i = 0; i < sample.Length; i++)
        {
            var s = sample[i];
            var x0 = PredictOriginal(Prediction, s, modelOutput[i], sigma);
            pred[i] = x0;
            derivative[i] = (s - x0) / sigma;
        }

        // 3. Linear multistep coefficients for the available history.
        var order = Math.Min(index + 1, MaxOrder);
        order = Math.Min(order, _derivativeCount);
        for (var k = 0; k < order; k++) _coefficients[k] = (float)LmsCoefficient(order, index, k);

        // 4. x_prev = x + Σ coeff_k · d_{newest−k}, summed in float32 in diffusers' order.
        var d0 = Derivative(0);
        var d1 = order > 1 ? Derivative(1) : d0;
        var d2 = order > 2 ? Derivative(2) : d0;
        var d3 = order > 3 ? Derivative(3) : d0;
        float c0 = _coefficients[0], c1 = _coefficients[1], c2 = _coefficients[2], c3 = _coefficients[3];
        for (var i = 0; i < sample.Length; i++)
        {
            var sum = c0 * d0[i];
            if (order > 1) sum += c1 * d1[i];
            if (order > 2) sum += c2 * d2[i];
            if (order > 3) sum += c3 * d3[i];
            prevSample[i] = sample[i] + sum;
        }

        return pred;
    }

    // age 0 = the derivative just computed.
    private float[] Derivative(int age) => _derivatives[(_newestDerivative - age + MaxOrder) % MaxOrder]!;

    // ∫ from σ_t to σ_{t+1} of the Lagrange basis polynomial for history entry `currentOrder`.
    private double LmsCoefficient(int order, int t, int currentOrder)
    {
        var sigmas = Table.Sigmas;
        double a = sigmas[t];
        double b = sigmas[t + 1];
        var half = (b - a) / 2;
        var centre = (a + b) / 2;
        double integral = 0;
        for (var q = 0; q < s_gaussNodes.Length; q++)
        {
            var tau = (float)(centre + half * s_gaussNodes[q]);
            var product = 1f;
            for (var k = 0; k < order; k++)
            {
                if (k == currentOrder) continue;
                product *= (tau - sigmas[t - k]) / (sigmas[t - currentOrder] - sigmas[t - k]);
            }
            integral += s_gaussWeights[q] * product;
        }
        return integral * half;
    }
}
