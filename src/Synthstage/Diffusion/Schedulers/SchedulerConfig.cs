using System.Text.Json;
using System.Text.Json.Serialization;

namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// The keys of a diffusers <c>scheduler/scheduler_config.json</c>, shared by every scheduler.
/// </summary>
/// <remarks>
/// <para>A <see langword="null"/> property means "not in the file": each scheduler then uses its own diffusers
/// <c>__init__</c> default, exactly as diffusers' <c>from_config</c> does when a model's PNDM config is loaded into,
/// say, <c>EulerDiscreteScheduler</c> (for example <c>timestep_spacing</c> defaults to <c>leading</c> for DDIM, PNDM
/// and LCM but to <c>linspace</c> for Euler, Euler Ancestral, LMS and DPM-Solver; LCM's betas default to
/// 0.00085 → 0.012 <c>scaled_linear</c>). The defaults are listed on each property.</para>
/// <para>Keys this type does not model are kept in <see cref="ExtensionData"/> so a round trip loses nothing.</para>
/// </remarks>
public sealed record SchedulerConfig
{
    private static readonly JsonSerializerOptions s_jsonOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>diffusers class the file was written for (<c>_class_name</c>), e.g. <c>PNDMScheduler</c>.</summary>
    [JsonPropertyName("_class_name")]
    public string? ClassName { get; init; }

    /// <summary>diffusers version that wrote the file (<c>_diffusers_version</c>).</summary>
    [JsonPropertyName("_diffusers_version")]
    public string? DiffusersVersion { get; init; }

    /// <summary>Training diffusion steps (<c>num_train_timesteps</c>); default 1000.</summary>
    [JsonPropertyName("num_train_timesteps")]
    public int? NumTrainTimesteps { get; init; }

    /// <summary>First beta (<c>beta_start</c>); default 0.0001 (LCM: 0.00085).</summary>
    [JsonPropertyName("beta_start")]
    public double? BetaStart { get; init; }

    /// <summary>Last beta (<c>beta_end</c>); default 0.02 (LCM: 0.012).</summary>
    [JsonPropertyName("beta_end")]
    public double? BetaEnd { get; init; }

    /// <summary>
    /// Beta schedule (<c>beta_schedule</c>): <c>linear</c>, <c>scaled_linear</c> or <c>squaredcos_cap_v2</c>;
    /// default <c>linear</c> (LCM: <c>scaled_linear</c>).
    /// </summary>
    [JsonPropertyName("beta_schedule")]
    public string? BetaSchedule { get; init; }

    /// <summary>Explicit betas (<c>trained_betas</c>), one per training step; overrides the schedule.</summary>
    [JsonPropertyName("trained_betas")]
    public IReadOnlyList<double>? TrainedBetas { get; init; }

    /// <summary>What the UNet predicts (<c>prediction_type</c>): <c>epsilon</c>, <c>v_prediction</c> or <c>sample</c>; default <c>epsilon</c>.</summary>
    [JsonPropertyName("prediction_type")]
    public string? PredictionType { get; init; }

    /// <summary>
    /// How inference timesteps are spread (<c>timestep_spacing</c>): <c>leading</c>, <c>linspace</c> or <c>trailing</c>
    /// (Table 2 of arXiv:2305.08891); default <c>leading</c> for DDIM, PNDM, LCM and <c>linspace</c> for the others.
    /// </summary>
    [JsonPropertyName("timestep_spacing")]
    public string? TimestepSpacing { get; init; }

    /// <summary>Offset added to <c>leading</c> timesteps (<c>steps_offset</c>); default 0 (SD 1.x files say 1).</summary>
    [JsonPropertyName("steps_offset")]
    public int? StepsOffset { get; init; }

    /// <summary>
    /// Whether the step past the last uses ᾱ = 1 (<c>set_alpha_to_one</c>) instead of ᾱ₀; default true for DDIM and
    /// LCM, false for PNDM.
    /// </summary>
    [JsonPropertyName("set_alpha_to_one")]
    public bool? SetAlphaToOne { get; init; }

    /// <summary>Clamp the predicted x₀ to ±<see cref="ClipSampleRange"/> (<c>clip_sample</c>); default true for DDIM, false for LCM.</summary>
    [JsonPropertyName("clip_sample")]
    public bool? ClipSample { get; init; }

    /// <summary>Clamp range for <see cref="ClipSample"/> (<c>clip_sample_range</c>); default 1.0.</summary>
    [JsonPropertyName("clip_sample_range")]
    public double? ClipSampleRange { get; init; }

    /// <summary>Dynamic thresholding (<c>thresholding</c>); default false. Only false is supported.</summary>
    [JsonPropertyName("thresholding")]
    public bool? Thresholding { get; init; }

    /// <summary>PNDM: skip the Runge–Kutta warm-up and run PLMS only (<c>skip_prk_steps</c>); default false.</summary>
    [JsonPropertyName("skip_prk_steps")]
    public bool? SkipPrkSteps { get; init; }

    /// <summary>Use the Karras et al. (2022) noise levels (<c>use_karras_sigmas</c>); default false.</summary>
    [JsonPropertyName("use_karras_sigmas")]
    public bool? UseKarrasSigmas { get; init; }

    /// <summary>Euler: how sigmas are read between training steps (<c>interpolation_type</c>): <c>linear</c> or <c>log_linear</c>; default <c>linear</c>.</summary>
    [JsonPropertyName("interpolation_type")]
    public string? InterpolationType { get; init; }

    /// <summary>DPM-Solver order (<c>solver_order</c>): 1 or 2; default 2.</summary>
    [JsonPropertyName("solver_order")]
    public int? SolverOrder { get; init; }

    /// <summary>DPM-Solver algorithm (<c>algorithm_type</c>); only <c>dpmsolver++</c> (the default) is supported.</summary>
    [JsonPropertyName("algorithm_type")]
    public string? AlgorithmType { get; init; }

    /// <summary>DPM-Solver second-order form (<c>solver_type</c>): <c>midpoint</c> (default) or <c>heun</c>.</summary>
    [JsonPropertyName("solver_type")]
    public string? SolverType { get; init; }

    /// <summary>DPM-Solver: fall back to lower orders on the last steps when fewer than 15 steps run (<c>lower_order_final</c>); default true.</summary>
    [JsonPropertyName("lower_order_final")]
    public bool? LowerOrderFinal { get; init; }

    /// <summary>DPM-Solver: use a first-order step at the very end (<c>euler_at_final</c>); default false.</summary>
    [JsonPropertyName("euler_at_final")]
    public bool? EulerAtFinal { get; init; }

    /// <summary>
    /// Noise level after the last step (<c>final_sigmas_type</c>): <c>zero</c> or <c>sigma_min</c>; default <c>zero</c>.
    /// </summary>
    [JsonPropertyName("final_sigmas_type")]
    public string? FinalSigmasType { get; init; }

    /// <summary>LCM: steps of the distillation schedule (<c>original_inference_steps</c>); default 50.</summary>
    [JsonPropertyName("original_inference_steps")]
    public int? OriginalInferenceSteps { get; init; }

    /// <summary>LCM: factor applied to the timestep in the boundary-condition scalings (<c>timestep_scaling</c>); default 10.</summary>
    [JsonPropertyName("timestep_scaling")]
    public double? TimestepScaling { get; init; }

    /// <summary>Rescale betas to zero terminal SNR (<c>rescale_betas_zero_snr</c>, arXiv:2305.08891); default false.</summary>
    [JsonPropertyName("rescale_betas_zero_snr")]
    public bool? RescaleBetasZeroSnr { get; init; }

    /// <summary>Keys present in the file that this record does not model, kept verbatim.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? ExtensionData { get; init; }

    /// <summary>Parses a <c>scheduler_config.json</c> document.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The parsed config; keys absent from the file are <see langword="null"/>.</returns>
    /// <exception cref="SynthstageException">The text is not a JSON object of scheduler keys.</exception>
    public static SchedulerConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonSerializer.Deserialize<SchedulerConfig>(json, s_jsonOptions)
                ?? throw new SynthstageException("scheduler_config.json is empty (null); expected a JSON object of diffusers scheduler keys.", ExitCodes.BadModel);
        }
        catch (JsonException e)
        {
            throw new SynthstageException($"scheduler_config.json is not a valid diffusers scheduler config: {e.Message}", ExitCodes.BadModel, e);
        }
    }

    /// <summary>Writes the config as <c>scheduler_config.json</c> text, omitting keys that are <see langword="null"/>.</summary>
    /// <returns>Indented JSON with diffusers' key names.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, s_jsonOptions);
}
