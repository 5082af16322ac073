namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// Ancestral Euler sampler (k-diffusion <c>sample_euler_ancestral</c>), diffusers'
/// <c>EulerAncestralDiscreteScheduler</c>: each step goes down to σ_down deterministically and adds fresh noise of
/// σ_up, drawn from the <see cref="INoiseSource"/> passed to <see cref="SigmaScheduler.Step"/>.
/// </summary>
/// <remarks>Prediction types epsilon and v_prediction; <c>timestep_spacing</c> defaults to linspace.</remarks>
public sealed class EulerAncestralDiscreteScheduler : SigmaScheduler
{
    private float[]? _predOriginal;
    private float[]? _noise;

    /// <summary>Computes betas → ᾱ → sigmas from <paramref name="config"/>.</summary>
    /// <param name="config">scheduler_config.json keys; absent keys take diffusers' EulerAncestralDiscreteScheduler defaults.</param>
    /// <exception cref="SynthstageException">A key has a value this scheduler does not support; the message lists the valid ones.</exception>
    public EulerAncestralDiscreteScheduler(SchedulerConfig config)
        : base(config, "EulerAncestralDiscreteScheduler", allowSamplePrediction: false)
    {
    }

    /// <inheritdoc/>
    public override void SetTimesteps(int numInferenceSteps)
    {
        ConfigChoice.CheckSteps(numInferenceSteps, Schedule.Length);
        var timesteps = SpacedTimesteps(numInferenceSteps);
        Table.Reset(timesteps.Select(t => (float)t).ToArray(), [.. timesteps.Select(t => (float)SigmaTable.Interp(t, TrainSigmas)), 0f]);
    }

    /// <inheritdoc/>
    /// <remarks>Draws one standard normal value per element from <paramref name="noise"/> on every step, the last included, as diffusers does.</remarks>
    private protected override float[] StepAt(int index, ReadOnlySpan<float> modelOutput, ReadOnlySpan<float> sample, Span<float> prevSample, INoiseSource? noise)
    {
        ArgumentNullException.ThrowIfNull(noise, "noise (Euler Ancestral adds fresh noise every step; pass a TorchGenerator)");
        var sigmas = Table.Sigmas;
        var pred = ScratchBuffer.Ensure(ref _predOriginal, sample.Length);
        var z = ScratchBuffer.Ensure(ref _noise, sample.Length);

        var sigma = sigmas[index];
        var sigmaFrom = sigma;
        var sigmaTo = sigmas[index + 1];
        // Split the move to σ_to into a deterministic part down to σ_down and fresh noise of σ_up.
        var sigmaUp = MathF.Sqrt(sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo) / (sigmaFrom * sigmaFrom));
        var sigmaDown = MathF.Sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        var dt = sigmaDown - sigma;

        noise.FillStandardNormal(z);
        for (var i = 0; i < sample.Length; i++)
        {
            var s = sample[i];
            // 1. Predicted x₀ from the σ-scaled prediction.
            var x0 = PredictOriginal(Prediction, s, modelOutput[i], sigma);
            pred[i] = x0;
            // 2. ODE derivative, Euler step to σ_down, then noise up to σ_to.
            var derivative = (s - x0) / sigma;
            var next = s + derivative * dt;
            prevSample[i] = next + z[i] * sigmaUp;
        }

        return pred;
    }
}
