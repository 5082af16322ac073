namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// DPM-Solver++ multistep (Lu et al. 2022, arXiv:2211.01095), diffusers' <c>DPMSolverMultistepScheduler</c> with
/// <c>algorithm_type="dpmsolver++"</c>: the "DPM++ 2M" sampler at <c>solver_order</c> 2, "DPM++ 2M Karras" with
/// <c>use_karras_sigmas</c>.
/// </summary>
/// <remarks>
/// Supports <c>solver_order</c> 1 and 2, <c>solver_type</c> midpoint and heun (DEIS/UniPC names map to midpoint, as in
/// diffusers), <c>lower_order_final</c>, <c>euler_at_final</c>, <c>final_sigmas_type</c> zero and sigma_min, all three
/// prediction types and the three spacings. Not supported: third order, the SDE and non-++ variants,
/// thresholding, <c>lambda_min_clipped</c>, Lu/exponential/beta sigmas.
/// </remarks>
public sealed class DpmSolverMultistepScheduler : SigmaScheduler
{
    private readonly int _solverOrder;
    private readonly bool _heun;
    private readonly bool _lowerOrderFinal;
    private readonly bool _eulerAtFinal;
    private readonly string _finalSigmasType;
    private readonly bool _useKarras;
    // Converted model outputs (x₀ predictions) of the current and previous step.
    private readonly float[]?[] _modelOutputs = new float[2][];
    private int _newestOutput = -1;
    private int _lowerOrderNums;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' DPMSolverMultistepScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public DpmSolverMultistepScheduler(SchedulerConfig config)
        : base(config, "DPMSolverMultistepScheduler", missingTimestepMeansLast: true)
    {
        ConfigChoice.RejectThresholding(config, Name);
        _solverOrder = config.SolverOrder ?? 2;
        if (_solverOrder is not (1 or 2))
            throw new SynthstageException($"{Name}: solver_order {_solverOrder} is not supported; valid values: 1, 2.", ExitCodes.BadModel);
        // diffusers maps DEIS's algorithm and DEIS/UniPC solver names onto DPM-Solver++ midpoint.
        string algorithm = config.AlgorithmType == "deis" ? "dpmsolver++" : config.AlgorithmType ?? "dpmsolver++";
        ConfigChoice.Resolve(algorithm, "dpmsolver++", "algorithm_type", Name, "dpmsolver++");
        string solverType = config.SolverType is "logrho" or "bh1" or "bh2" ? "midpoint" : config.SolverType ?? "midpoint";
        _heun = ConfigChoice.Resolve(solverType, "midpoint", "solver_type", Name, "midpoint", "heun") == "heun";
        _lowerOrderFinal = config.LowerOrderFinal ?? true;
        _eulerAtFinal = config.EulerAtFinal ?? false;
        _finalSigmasType = ConfigChoice.Resolve(config.FinalSigmasType, "zero", "final_sigmas_type", Name, "zero", "sigma_min");
        _useKarras = config.UseKarrasSigmas ?? false;
    }

    /// <inheritdoc/>
    public override float InitNoiseSigma => 1f;

    /// <inheritdoc/>
    public override void SetTimesteps(int numInferenceSteps)
    {
        int numTrain = Schedule.Length;
        ConfigChoice.CheckSteps(numInferenceSteps, numTrain);
        int lastTimestep = numTrain;

        // 1. Integer timesteps; linspace and leading take n + 1 points and drop the final one.
        double[] timesteps;
        switch (Spacing)
        {
            case "linspace":
                timesteps = NumpyRange.Reversed(NumpyRange.Linspace(0, lastTimestep - 1, numInferenceSteps + 1))
                    .Take(numInferenceSteps).Select(NumpyRange.Round).ToArray();
                break;
            case "leading":
            {
                int stepRatio = lastTimestep / (numInferenceSteps + 1);
                timesteps = Enumerable.Range(0, numInferenceSteps + 1).Reverse().Take(numInferenceSteps)
                    .Select(i => (double)i * stepRatio + StepsOffset).ToArray();
                break;
            }
            default:
                timesteps = NumpyRange.Arange(lastTimestep, 0, -(double)numTrain / numInferenceSteps)
                    .Select(t => NumpyRange.Round(t) - 1).ToArray();
                break;
        }

        // 2. Sigmas at those timesteps, or Karras levels with timesteps derived from them.
        float ac0 = Schedule.AlphasCumprod[0];
        float sigmaMinTrain = MathF.Sqrt((1f - ac0) / ac0);
        double[] sigmas;
        double sigmaLast;
        if (_useKarras)
        {
            sigmas = SigmaTable.Karras(TrainSigmas[0], TrainSigmas[^1], numInferenceSteps);
            float[] logSigmas = SigmaTable.Log(TrainSigmas);
            timesteps = sigmas.Select(s => NumpyRange.Round(SigmaTable.SigmaToT(s, logSigmas))).ToArray();
            sigmaLast = _finalSigmasType == "sigma_min" ? sigmas[^1] : 0.0;
        }
        else
        {
            sigmas = timesteps.Select(t => SigmaTable.Interp(t, TrainSigmas)).ToArray();
            sigmaLast = _finalSigmasType == "sigma_min" ? sigmaMinTrain : 0.0;
        }

        Table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. sigmas.Select(s => (float)s), (float)sigmaLast]);
        _newestOutput = -1;
        _lowerOrderNums = 0;
    }

    /// <inheritdoc/>
    public override void ScaleModelInput(ReadOnlySpan<float> sample, float timestep, Span<float> destination) =>
        ScratchBuffer.CopyUnscaled(sample, destination);

    /// <inheritdoc/>
    private protected override float[] StepAt(int index, ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, Span<float> prevSample, INoiseSource? noise)
    {
        float[] sigmas = Table.Sigmas;
        int count = Table.Timesteps.Length;

        // Improve numerical stability for small numbers of steps.
        bool lowerOrderFinal = index == count - 1
            && (_eulerAtFinal || (_lowerOrderFinal && count < 15) || _finalSigmasType == "zero");

        // 1. Convert the model output to an x₀ prediction and push it into the history.
        ScratchBuffer.EnsureAll(_modelOutputs, sample.Length);
        _newestOutput = (_newestOutput + 1) % 2;
        float[] x0 = _modelOutputs[_newestOutput]!;
        var (alphaS0, sigmaS0) = AlphaSigma(sigmas[index]);
        for (var i = 0; i < sample.Length; i++)
        {
            float s = sample[i];
            float m = modelOutput[i];
            x0[i] = Prediction switch
            {
                ModelPrediction.Epsilon => (s - sigmaS0 * m) / alphaS0,
                ModelPrediction.VPrediction => alphaS0 * s - sigmaS0 * m,
                _ => m,
            };
        }

        // 2. First-order (DDIM-like) update, or the second-order multistep update, eq. (5) of arXiv:2211.01095.
        if (_solverOrder == 1 || _lowerOrderNums < 1 || lowerOrderFinal)
        {
            FirstOrderUpdate(x0, index, sample, prevSample);
        }
        else
        {
            SecondOrderUpdate(x0, _modelOutputs[1 - _newestOutput]!, index, sample, prevSample);
        }

        if (_lowerOrderNums < _solverOrder) _lowerOrderNums++;
        return x0;
    }

    /// <inheritdoc/>
    public override void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination)
    {
        ScratchBuffer.CheckLengths(originalSamples.Length, noise.Length, destination.Length);
        var (alphaT, sigmaT) = AlphaSigma(Table.Sigmas[Table.NoiseIndex(timestep)]);
        for (var i = 0; i < originalSamples.Length; i++)
        {
            destination[i] = alphaT * originalSamples[i] + sigmaT * noise[i];
        }
    }

    private void FirstOrderUpdate(float[] x0, int index, ReadOnlySpan<float> sample, Span<float> prevSample)
    {
        float[] sigmas = Table.Sigmas;
        var (alphaT, sigmaT) = AlphaSigma(sigmas[index + 1]);
        var (alphaS, sigmaS) = AlphaSigma(sigmas[index]);
        float h = Lambda(alphaT, sigmaT) - Lambda(alphaS, sigmaS);
        float sampleCoeff = sigmaT / sigmaS;
        float x0Coeff = alphaT * (MathF.Exp(-h) - 1f);
        for (var i = 0; i < sample.Length; i++)
        {
            prevSample[i] = sampleCoeff * sample[i] - x0Coeff * x0[i];
        }
    }

    private void SecondOrderUpdate(float[] m0, float[] m1, int index, ReadOnlySpan<float> sample, Span<float> prevSample)
    {
        float[] sigmas = Table.Sigmas;
        var (alphaT, sigmaT) = AlphaSigma(sigmas[index + 1]);
        var (alphaS0, sigmaS0) = AlphaSigma(sigmas[index]);
        var (alphaS1, sigmaS1) = AlphaSigma(sigmas[index - 1]);
        float lambdaT = Lambda(alphaT, sigmaT);
        float lambdaS0 = Lambda(alphaS0, sigmaS0);
        float lambdaS1 = Lambda(alphaS1, sigmaS1);
        float h = lambdaT - lambdaS0;
        float h0 = lambdaS0 - lambdaS1;
        float r0 = h0 / h;
        float d1Scale = 1f / r0;
        float sampleCoeff = sigmaT / sigmaS0;
        float expTerm = MathF.Exp(-h) - 1f;
        float d0Coeff = alphaT * expTerm;
        // midpoint: − ½·αₜ(e^{−h} − 1)·D1; heun: + αₜ((e^{−h} − 1)/h + 1)·D1.
        float d1Coeff = _heun ? -(alphaT * (expTerm / h + 1f)) : 0.5f * d0Coeff;
        for (var i = 0; i < sample.Length; i++)
        {
            float d1 = d1Scale * (m0[i] - m1[i]);
            prevSample[i] = sampleCoeff * sample[i] - d0Coeff * m0[i] - d1Coeff * d1;
        }
    }

    // VP parameterisation from σ: αₜ = 1/√(σ² + 1), σₜ = σ·αₜ.
    private static (float Alpha, float Sigma) AlphaSigma(float sigma)
    {
        float alpha = 1f / MathF.Sqrt(sigma * sigma + 1f);
        return (alpha, sigma * alpha);
    }

    // Half log-SNR λ = log αₜ − log σₜ (+∞ at σ = 0, which makes the final update return x₀).
    private static float Lambda(float alpha, float sigma) => MathF.Log(alpha) - MathF.Log(sigma);
}
