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
