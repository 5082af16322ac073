namespace Synthstage.Diffusion.Schedulers;

/// <summary>
/// The one registry of schedulers: by the short names the CLI uses and by diffusers' <c>_class_name</c>.
/// </summary>
public static class SchedulerFactory
{
    private static readonly (string Name, string ClassName, Func<SchedulerConfig, IDiffusionScheduler> Create)[] s_registry =
    [
        ("ddim", "DDIMScheduler", c => new DdimScheduler(c)),
        ("pndm", "PNDMScheduler", c => new PndmScheduler(c)),
        ("lms", "LMSDiscreteScheduler", c => new LmsDiscreteScheduler(c)),
        ("euler", "EulerDiscreteScheduler", c => new EulerDiscreteScheduler(c)),
        ("euler-a", "EulerAncestralDiscreteScheduler", c => new EulerAncestralDiscreteScheduler(c)),
        ("dpm++2m", "DPMSolverMultistepScheduler", c => new DpmSolverMultistepScheduler(c)),
        ("dpm++2m-karras", "DPMSolverMultistepScheduler", c => new DpmSolverMultistepScheduler(c with { UseKarrasSigmas = true })),
        ("lcm", "LCMScheduler", c => new LcmScheduler(c)),
    ];

    /// <summary>The short scheduler names accepted by <see cref="Create"/>: ddim, pndm, lms, euler, euler-a, dpm++2m, dpm++2m-karras, lcm.</summary>
    public static IReadOnlyList<string> Names { get; } = s_registry.Select(e => e.Name).ToArray();

    /// <summary>The diffusers class names accepted by <see cref="FromDiffusersConfig"/>.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = s_registry.Select(e => e.ClassName).Distinct().ToArray();

    /// <summary>
    /// Creates a scheduler by short name with a model's config, as diffusers' <c>XScheduler.from_config(config)</c>:
    /// keys in <paramref name="config"/> apply, absent keys take the chosen scheduler's own defaults.
    /// </summary>
    /// <param name="name">One of <see cref="Names"/> (case-insensitive); <c>dpm++2m-karras</c> turns on Karras sigmas.</param>
    /// <param name="config">The model's scheduler config (its <c>_class_name</c> is ignored here).</param>
    /// <returns>A new scheduler; call <see cref="IDiffusionScheduler.SetTimesteps"/> before use.</returns>
    /// <exception cref="SynthstageException">Unknown name (the message lists the valid ones) or an unsupported config value.</exception>
    public static IDiffusionScheduler Create(string name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        foreach (var entry in s_registry)
        {
            if (string.Equals(entry.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return entry.Create(config);
            }
        }
        throw new SynthstageException(
            $"Unknown scheduler '{name}'; valid names: {string.Join(", ", Names)}.", ExitCodes.Usage);
    }

    /// <summary>Creates the scheduler a <c>scheduler_config.json</c> names in its <c>_class_name</c>.</summary>
    /// <param name="json">The file's text.</param>
    /// <returns>A new scheduler configured from the file.</returns>
    /// <exception cref="SynthstageException">
    /// Invalid JSON, a missing or unsupported <c>_class_name</c> (the message lists the supported ones), or an unsupported value.
    /// </exception>
    public static IDiffusionScheduler FromDiffusersConfig(string json)
    {
        SchedulerConfig config = SchedulerConfig.FromJson(json);
        return FromConfig(config);
    }

    /// <summary>Creates the scheduler <paramref name="config"/>'s <c>_class_name</c> names.</summary>
    /// <param name="config">A parsed scheduler config.</param>
    /// <returns>A new scheduler.</returns>
    /// <exception cref="SynthstageException">Missing or unsupported <c>_class_name</c>, or an unsupported value.</exception>
    public static IDiffusionScheduler FromConfig(SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrEmpty(config.ClassName))
        {
            throw new SynthstageException(
                $"scheduler_config.json has no _class_name; expected one of: {string.Join(", ", ClassNames)}.", ExitCodes.BadModel);
        }
        foreach (var entry in s_registry)
        {
            if (entry.ClassName == config.ClassName)
            {
                return entry.Create(config);
            }
        }
        throw new SynthstageException(
            $"Scheduler class '{config.ClassName}' is not supported; supported classes: {string.Join(", ", ClassNames)}. " +
            $"Pick one with --scheduler ({string.Join(", ", Names)}).",
            ExitCodes.BadModel);
    }
}
