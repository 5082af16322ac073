namespace Synthstage.Diffusion.Schedulers;

/// <summary>What the denoising model outputs (diffusers' <c>prediction_type</c>).</summary>
internal enum ModelPrediction
{
    /// <summary><c>epsilon</c>: the added noise ε.</summary>
    Epsilon,
    /// <summary><c>v_prediction</c>: v = √ᾱ·ε − √(1−ᾱ)·x₀ (Imagen Video, section 2.4).</summary>
    VPrediction,
    /// <summary><c>sample</c>: the clean sample x₀ directly.</summary>
    Sample,
}

/// <summary>Parses <c>prediction_type</c>.</summary>
internal static class ModelPredictions
{
    /// <summary>Resolves the config's prediction type (default <c>epsilon</c>) among those the scheduler supports.</summary>
    public static ModelPrediction Resolve(SchedulerConfig config, string scheduler, bool allowSample = true)
    {
        string[] valid = allowSample ? ["epsilon", "v_prediction", "sample"] : ["epsilon", "v_prediction"];
        return ConfigChoice.Resolve(config.PredictionType, "epsilon", "prediction_type", scheduler, valid) switch
        {
            "epsilon" => ModelPrediction.Epsilon,
            "v_prediction" => ModelPrediction.VPrediction,
            _ => ModelPrediction.Sample,
        };
    }
}
