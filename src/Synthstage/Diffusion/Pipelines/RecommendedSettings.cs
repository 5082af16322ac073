namespace Synthstage.Diffusion.Pipelines;

/// <summary>
/// The steps, guidance and scheduler a model is meant to be sampled with, used when the caller leaves them unset:
/// SD 1.5 25 steps at guidance 7.5 with its own scheduler; SD-Turbo 1 step, guidance 0 (no unconditional batch) with
/// its own EulerDiscrete config (trailing timesteps); LCM 4 steps at guidance 8.5 (folded into <c>timestep_cond</c>)
/// with the LCM scheduler.
/// </summary>
/// <param name="Steps">Denoising steps.</param>
/// <param name="GuidanceScale">Guidance scale.</param>
/// <param name="Scheduler">Scheduler short name, or null for the model's own <c>scheduler_config.json</c>.</param>
public sealed record RecommendedSettings(int Steps, float GuidanceScale, string? Scheduler)
{
    /// <summary>Stable Diffusion 1.x/2.x.</summary>
    public static RecommendedSettings StableDiffusion { get; } = new(25, 7.5f, null);

    /// <summary>SD-Turbo (adversarial diffusion distillation): diffusers' model card runs 1 step at guidance 0.</summary>
    public static RecommendedSettings Turbo { get; } = new(1, 0f, null);

    /// <summary>Latent consistency models: diffusers' LCM pipeline defaults to 4 steps at guidance 8.5.</summary>
    public static RecommendedSettings Lcm { get; } = new(4, 8.5f, "lcm");

    /// <summary>
    /// The settings for a model named <paramref name="reference"/> (catalog id, Hub name or folder): "turbo" in the
    /// name picks <see cref="Turbo"/>, "lcm" picks <see cref="Lcm"/>, anything else <see cref="StableDiffusion"/>.
    /// For a folder only its own name counts, or the <c>models--org--name</c> part of a Hugging Face cache path (whose
    /// last part is a commit hash).
    /// </summary>
    public static RecommendedSettings ForName(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var name = NamePart(reference);
        if (name.Contains("turbo", StringComparison.OrdinalIgnoreCase)) return Turbo;
        if (name.Contains("lcm", StringComparison.OrdinalIgnoreCase)) return Lcm;
        return StableDiffusion;
    }

    /// <summary>
    /// The settings for a loaded model: a UNet with <c>timestep_cond</c> is an LCM whatever its name; otherwise
    /// <see cref="ForName"/> of <paramref name="reference"/> (what the user named it), or of the model's folder.
    /// </summary>
    public static RecommendedSettings For(Models.StableDiffusionModel model, string? reference = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.UNet.TimeCondProjDim is not null) return Lcm;
        var byName = ForName(reference ?? model.Folder);
        // Without timestep_cond the LCM path cannot run, whatever the name says.
        return byName == Lcm ? StableDiffusion : byName;
    }

    private static string NamePart(string reference)
    {
        var parts = reference.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return reference;
        // A Hub name "org/name[@rev]" is two parts and both count; a path's parent folders do not.
        if (parts.Length == 2 && !Path.IsPathRooted(reference) && !reference.StartsWith('.')) return reference;
        return parts.FirstOrDefault(p => p.StartsWith("models--", StringComparison.Ordinal)) ?? parts[^1];
    }
}
