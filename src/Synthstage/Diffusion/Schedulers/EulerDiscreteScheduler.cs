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
public sealed class EulerDiscreteScheduler : SigmaScheduler
{
    private readonly string _interpolation;
    private readonly string _finalSigmasType;
    private readonly bool _useKarras;
    private float[]? _predOriginal;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' EulerDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public EulerDiscreteScheduler(SchedulerConfig config)
        : base(config, "EulerDiscreteScheduler")
    {
        _interpolation = ConfigChoice.Resolve(config.InterpolationType, "linear", "interpolation_type", Name, "linear", "log_linear");
        _finalSigmasType = ConfigChoice.Resolve(config.FinalSigmasType, "zero", "final_sigmas_type", Name, "zero", "sigma_min");
        _useKarras = config.UseKarrasSigmas ?? false;
    }

    /// <inheritdoc/>
    public override void SetTimesteps(int numInferenceSteps)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, Schedule.Length);

        // 1. Timesteps by spacing; diffusers builds them as float32.
        var timesteps = SpacedTimesteps(numInferenceSteps);

        // 2. Sigmas at those timesteps.
        double[] sigmas;
        if (_interpolation == "linear")
        {
            sigmas = timesteps.Select(t => SigmaTable.Interp(t, TrainSigmas)).ToArray();
        }
        else
        {
            // log_linear: evenly spaced in log σ between σmax and σmin (n + 1 values, as diffusers).
            sigmas = NoiseSchedule.TorchLinspace((float)Math.Log(TrainSigmas[^1]), (float)Math.Log(TrainSigmas[0]), numInferenceSteps + 1)
                .Select(l => (double)MathF.Exp(l)).ToArray();
        }

        // 3. Karras noise levels replace them; timesteps follow from the sigmas.
        if (_useKarras)
        {
            sigmas = SigmaTable.Karras(sigmas[^1], sigmas[0], numInferenceSteps);
            var logSigmas = SigmaTable.Log(TrainSigmas);
            timesteps = sigmas.Select(s => SigmaTable.SigmaToT(s, logSigmas)).ToArray();
        }

        // 4. Append the level after the last step.
        var ac0 = Schedule.AlphasCumprod[0];
        var sigmaLast = _finalSigmasType == "sigma_min" ? MathF.Sqrt((1f - ac0) / ac0) : 0.0;
        Table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. sigmas.Select(s => (float)s), (float)sigmaLast]);
    }

    /// <inheritdoc/>
    private protected override float[] StepAt(int index, ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, Span<float> prevSample, INoiseSource? noise)
    {
        var sigmas = Table.Sigmas;
        var pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);

        // Without churn (s_churn = 0) σ̂ = σ.
        var sigmaHat = sigmas[index];
        var dt = sigmas[index + 1] - sigmaHat;
        for (var i = 0; i < sample.Length; i++)
        {
            var s = sample[i];
            // 1. Predicted x₀ from the σ-scaled prediction.
            var x0 = PredictOriginal(Prediction, s, modelOutput[i], sigmaHat);
            pred[i] = x0;
            // 2. ODE derivative dx/dσ = (x − x₀)/σ, 3. one Euler step to the next σ.
            var derivative = (s - x0) / sigmaHat;
            prevSample[i] = s + derivative * dt;
        }

        return pred;
    }
}
