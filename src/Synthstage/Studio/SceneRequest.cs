using Synthstage.Scenes;

namespace Synthstage.Studio;

/// <summary>
/// A background generated from a prompt (as <c>composite --prompt</c>), as the page sends it. It is only the form's
/// shape: <see cref="ToOptions"/> maps it onto the engine's <see cref="SceneOptions"/> and <see cref="PlateMotion"/>,
/// whose <c>Describe</c> is the one description of every setting (resume key, cache key and manifest).
/// </summary>
public sealed record SceneRequest
{
    /// <summary>The most denoising steps the studio accepts: A1111's slider stops there too, and more adds nothing but time.</summary>
    public const int MaxSteps = 150;

    /// <summary>The largest guidance scale the studio accepts.</summary>
    public const float MaxGuidance = 30;

    /// <summary>What the scene shows (a still, pan or zoom scene).</summary>
    public string Prompt { get; init; } = "";

    /// <summary>What it should not show.</summary>
    public string Negative { get; init; } = "";

    /// <summary>Seed of the scene (of the first walk prompt for a walking scene).</summary>
    public ulong Seed { get; init; }

    /// <summary>Denoising steps.</summary>
    public int Steps { get; init; } = 25;

    /// <summary>Classifier-free guidance.</summary>
    public float Guidance { get; init; } = 7.5f;

    /// <summary>Scheduler name, or null for the model's.</summary>
    public string? Scheduler { get; init; }

    /// <summary>Scene model: a diffusion catalog id, or a model folder relative to the data folder; null for the default.</summary>
    public string? Model { get; init; }

    /// <summary>none, pan, zoom or walk.</summary>
    public string Motion { get; init; } = "none";

    /// <summary>For <c>walk</c>: two or more prompts the background walks through, seeds <see cref="Seed"/>, Seed + 1, ….</summary>
    public IReadOnlyList<string> WalkPrompts { get; init; } = [];

    /// <summary>For <c>walk</c>: output frames per generated background.</summary>
    public int WalkEvery { get; init; } = 8;

    /// <summary>The engine's scene options for this request; the model is resolved inside the data folder.</summary>
    /// <param name="folder">The data folder (model folders, the scene cache in <c>work/scenes</c>).</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: an empty prompt, steps or guidance out of range,
    /// unknown motion or scheduler, a walk with fewer than two prompts, or a model that is neither a diffusion catalog id nor a model folder.</exception>
    public SceneOptions ToOptions(StudioDataFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var walk = Motion == "walk";
        var prompts = walk ? WalkPrompts.Where(p => !string.IsNullOrWhiteSpace(p)).ToArray() : [];
        if (walk && prompts.Length < 2)
            throw new SynthstageException($"a walking background needs two or more prompts (got {prompts.Length})", ExitCodes.Usage);
        if (!walk && string.IsNullOrWhiteSpace(Prompt)) throw new SynthstageException("the prompt is empty: say what the background should show", ExitCodes.Usage);
        CheckSteps(Steps);
        CheckGuidance(Guidance);
        if (walk && WalkEvery is < 1 or > 240) throw new SynthstageException($"frames per walk background must be 1 to 240 (got {WalkEvery})", ExitCodes.Usage);
        return new SceneOptions
        {
            Prompt = walk ? prompts[0] : Prompt,
            NegativePrompt = Negative ?? "",
            Seed = Seed,
            Steps = Steps,
            GuidanceScale = Guidance,
            Scheduler = SchedulerOf(Scheduler),
            Model = SceneModelChoice.Resolve(Model, folder),
            Motion = Motion switch
            {
                "none" or "" or "walk" => PlateMotion.Still,
                "pan" => new PlateMotion(BackgroundMotion.Pan),
                "zoom" => new PlateMotion(BackgroundMotion.Zoom),
                var other => throw new SynthstageException($"unknown motion '{other}'; use none, pan, zoom or walk", ExitCodes.Usage),
            },
            WalkPrompts = prompts,
            WalkEvery = WalkEvery,
            CacheFolder = Path.Combine(folder.Work, "scenes"),
        };
    }

    /// <summary>Throws unless 1 ≤ <paramref name="steps"/> ≤ <see cref="MaxSteps"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    public static void CheckSteps(int steps)
    {
        if (steps is < 1 or > MaxSteps) throw new SynthstageException($"steps must be 1 to {MaxSteps} (got {steps})", ExitCodes.Usage);
    }

    /// <summary>Throws unless 0 ≤ <paramref name="guidance"/> ≤ <see cref="MaxGuidance"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    public static void CheckGuidance(float guidance)
    {
        if (!float.IsFinite(guidance) || guidance < 0 || guidance > MaxGuidance)
            throw new SynthstageException($"guidance must be 0 to {MaxGuidance} (got {guidance.ToString(System.Globalization.CultureInfo.InvariantCulture)})", ExitCodes.Usage);
    }

    /// <summary>The scheduler name, or null for the model's own; an unknown name is refused with the valid ones.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>.</exception>
    public static string? SchedulerOf(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        if (!Diffusion.Schedulers.SchedulerFactory.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new SynthstageException($"unknown scheduler '{name}'; use one of {string.Join(", ", Diffusion.Schedulers.SchedulerFactory.Names)}", ExitCodes.Usage);
        return name.ToLowerInvariant();
    }
}
