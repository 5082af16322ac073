namespace Synthstage.Diffusion.Schedulers;

/// <summary>Validates string-valued config keys against the values a scheduler implements.</summary>
internal static class ConfigChoice
{
    /// <summary>Returns <paramref name="value"/> (or <paramref name="fallback"/> when absent) if it is one of <paramref name="valid"/>.</summary>
    /// <exception cref="SynthstageException">The value is not supported; the message lists the valid values.</exception>
    public static string Resolve(string? value, string fallback, string key, string scheduler, params string[] valid)
    {
        string chosen = value ?? fallback;
        if (Array.IndexOf(valid, chosen) < 0)
        {
            throw new SynthstageException(
                $"{scheduler}: {key} '{chosen}' is not supported; valid values: {string.Join(", ", valid)}.",
                ExitCodes.BadModel);
        }
        return chosen;
    }

    /// <summary>Rejects dynamic thresholding, which needs per-image quantiles this flat-span API does not model.</summary>
    public static void RejectThresholding(SchedulerConfig config, string scheduler)
    {
        if (config.Thresholding == true)
        {
            throw new SynthstageException(
                $"{scheduler}: thresholding=true (dynamic thresholding) is not supported; set it to false.",
                ExitCodes.BadModel);
        }
    }

    /// <summary>
    /// Rejects keys this implementation does not model when they ask for non-default behaviour (they would otherwise
    /// be ignored silently): alternative sigma spacings, continuous timesteps, learned variance.
    /// </summary>
    public static void RejectUnsupportedExtensions(SchedulerConfig config, string scheduler)
    {
        if (config.ExtensionData is not { } extra)
        {
            return;
        }
        foreach (string flag in (string[])["use_lu_lambdas", "use_exponential_sigmas", "use_beta_sigmas", "use_flow_sigmas", "use_dynamic_shifting"])
        {
            if (extra.TryGetValue(flag, out var value) && value.ValueKind == System.Text.Json.JsonValueKind.True)
            {
                throw new SynthstageException($"{scheduler}: {flag}=true is not supported; set it to false.", ExitCodes.BadModel);
            }
        }
        if (extra.TryGetValue("timestep_type", out var timestepType)
            && timestepType.ValueKind == System.Text.Json.JsonValueKind.String && timestepType.GetString() != "discrete")
        {
            throw new SynthstageException($"{scheduler}: timestep_type '{timestepType.GetString()}' is not supported; valid values: discrete.", ExitCodes.BadModel);
        }
        if (extra.TryGetValue("variance_type", out var varianceType)
            && varianceType.ValueKind == System.Text.Json.JsonValueKind.String && varianceType.GetString() is "learned" or "learned_range")
        {
            throw new SynthstageException(
                $"{scheduler}: variance_type '{varianceType.GetString()}' (a model that predicts its variance) is not supported.", ExitCodes.BadModel);
        }
    }

    /// <summary>Validates a step count passed to <c>SetTimesteps</c>.</summary>
    public static void CheckSteps(int numInferenceSteps, int numTrainTimesteps)
    {
        if (numInferenceSteps < 1 || numInferenceSteps > numTrainTimesteps)
        {
            throw new ArgumentOutOfRangeException(nameof(numInferenceSteps), numInferenceSteps,
                $"The number of inference steps must be between 1 and num_train_timesteps ({numTrainTimesteps}).");
        }
    }
}
