namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// The training noise schedule shared by all schedulers: betas → alphas → ᾱ (<c>alphas_cumprod</c>) → sigmas, in
/// float32 as diffusers computes them with torch on CPU.
/// </summary>
internal sealed class NoiseSchedule
{
    private NoiseSchedule(float[] betas, float[] alphasCumprod)
    {
        Betas = betas;
        AlphasCumprod = alphasCumprod;
    }

    /// <summary>βₜ per training step.</summary>
    public float[] Betas { get; }

    /// <summary>ᾱₜ = ∏(1 − βₛ), s ≤ t, per training step.</summary>
    public float[] AlphasCumprod { get; }

    /// <summary>Number of training steps.</summary>
    public int Length => AlphasCumprod.Length;

    /// <summary>Builds the schedule from the config's beta keys.</summary>
    /// <param name="config">The scheduler config.</param>
    /// <param name="scheduler">Scheduler name used in error messages.</param>
    /// <param name="defaultBetaStart">This scheduler's diffusers default for <c>beta_start</c>.</param>
    /// <param name="defaultBetaEnd">This scheduler's diffusers default for <c>beta_end</c>.</param>
    /// <param name="defaultSchedule">This scheduler's diffusers default for <c>beta_schedule</c>.</param>
    /// <exception cref="SynthstageException">Unknown <c>beta_schedule</c> or inconsistent <c>trained_betas</c>.</exception>
    public static NoiseSchedule Create(SchedulerConfig config, string scheduler,
        double defaultBetaStart = 0.0001, double defaultBetaEnd = 0.02, string defaultSchedule = "linear")
    {
        ConfigChoice.RejectUnsupportedExtensions(config, scheduler);
        int numTrain = config.NumTrainTimesteps ?? 1000;
        if (numTrain < 2)
        {
            throw new SynthstageException($"{scheduler}: num_train_timesteps must be at least 2; got {numTrain}.", ExitCodes.BadModel);
        }

        float[] betas;
        if (config.TrainedBetas is { } trained)
        {
            if (trained.Count != numTrain)
            {
                throw new SynthstageException(
                    $"{scheduler}: trained_betas has {trained.Count} values but num_train_timesteps is {numTrain}.", ExitCodes.BadModel);
            }
            betas = trained.Select(b => (float)b).ToArray();
        }
        else
        {
            double betaStart = config.BetaStart ?? defaultBetaStart;
            double betaEnd = config.BetaEnd ?? defaultBetaEnd;
            string schedule = ConfigChoice.Resolve(config.BetaSchedule, defaultSchedule, "beta_schedule", scheduler,
                "linear", "scaled_linear", "squaredcos_cap_v2");
            betas = schedule switch
            {
                "linear" => TorchLinspace((float)betaStart, (float)betaEnd, numTrain),
                // Specific to latent diffusion: linear in sqrt(beta), squared in float32.
                "scaled_linear" => TorchLinspace((float)Math.Sqrt(betaStart), (float)Math.Sqrt(betaEnd), numTrain)
                    .Select(b => b * b).ToArray(),
                _ => CosineBetas(numTrain),
            };
        }

        if (config.RescaleBetasZeroSnr == true)
        {
            betas = RescaleZeroTerminalSnr(betas);
        }
        return new NoiseSchedule(betas, CumulativeAlphas(betas));
    }

    /// <summary>
    /// σₜ = √((1 − ᾱₜ)/ᾱₜ) per training step, ascending in t, in float32 (the k-diffusion noise levels).
    /// </summary>
    public float[] Sigmas()
    {
        var sigmas = new float[AlphasCumprod.Length];
        for (int t = 0; t < sigmas.Length; t++)
        {
            float a = AlphasCumprod[t];
            sigmas[t] = MathF.Sqrt((1f - a) / a);
        }
        return sigmas;
    }

    /// <summary>The training-step index of an integer timestep.</summary>
    /// <exception cref="ArgumentException">The timestep is fractional or outside 0 … num_train_timesteps − 1.</exception>
    public int TrainIndex(float timestep, string scheduler)
    {
        if (timestep != MathF.Floor(timestep) || timestep < 0 || timestep >= Length)
        {
            throw new ArgumentException(
                $"{scheduler}: timestep {timestep} must be an integer training step between 0 and {Length - 1}.", nameof(timestep));
        }
        return (int)timestep;
    }

    /// <summary>
    /// Forward process q(xₜ | x₀) of DDPM: <c>√ᾱₜ·x₀ + √(1 − ᾱₜ)·ε</c> at an integer training timestep.
    /// </summary>
    public void AddNoise(ReadOnlySpan<float> originalSamples, ReadOnlySpan<float> noise, float timestep, Span<float> destination, string scheduler)
    {
        ScratchBuffer.CheckLengths(originalSamples.Length, noise.Length, destination.Length);
        float alphaProd = AlphasCumprod[TrainIndex(timestep, scheduler)];
        float sqrtAlphaProd = MathF.Sqrt(alphaProd);
        float sqrtOneMinusAlphaProd = MathF.Sqrt(1f - alphaProd);
        for (int i = 0; i < originalSamples.Length; i++)
        {
            destination[i] = sqrtAlphaProd * originalSamples[i] + sqrtOneMinusAlphaProd * noise[i];
        }
    }

    /// <summary>torch.linspace in float32 on CPU: the first half counts up from start, the second half down from end.</summary>
    public static float[] TorchLinspace(float start, float end, int steps)
    {
        var result = new float[steps];
        if (steps == 1)
        {
            result[0] = start;
            return result;
        }
        float step = (end - start) / (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++)
        {
            result[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
        }
        return result;
    }

    // torch.cumprod on CPU accumulates float32 inputs in double and rounds each output to float32.
    private static float[] CumulativeAlphas(float[] betas)
    {
        var result = new float[betas.Length];
        double product = 1.0;
        for (int i = 0; i < betas.Length; i++)
        {
            product *= 1f - betas[i];
            result[i] = (float)product;
        }
        return result;
    }

    // "squaredcos_cap_v2": the Glide cosine schedule ᾱ(t) = cos²((t + 0.008)/1.008 · π/2), betas capped at 0.999.
    private static float[] CosineBetas(int numTrain)
    {
        static double AlphaBar(double t) => Math.Pow(Math.Cos((t + 0.008) / 1.008 * Math.PI / 2), 2);
        var betas = new float[numTrain];
        for (int i = 0; i < numTrain; i++)
        {
            double t1 = (double)i / numTrain;
            double t2 = (double)(i + 1) / numTrain;
            betas[i] = (float)Math.Min(1 - AlphaBar(t2) / AlphaBar(t1), 0.999);
        }
        return betas;
    }

    // Algorithm 1 of arXiv:2305.08891: shift and scale √ᾱ so the last step has zero SNR.
    private static float[] RescaleZeroTerminalSnr(float[] betas)
    {
        float[] alphasCumprod = CumulativeAlphas(betas);
        var sqrtBar = alphasCumprod.Select(a => MathF.Sqrt(a)).ToArray();
        float first = sqrtBar[0];
        float last = sqrtBar[^1];
        for (int i = 0; i < sqrtBar.Length; i++)
        {
            sqrtBar[i] = (sqrtBar[i] - last) * (first / (first - last));
        }
        var result = new float[betas.Length];
        for (int i = 0; i < betas.Length; i++)
        {
            float bar = sqrtBar[i] * sqrtBar[i];
            float alpha = i == 0 ? bar : bar / (sqrtBar[i - 1] * sqrtBar[i - 1]);
            result[i] = 1f - alpha;
        }
        return result;
    }
}
