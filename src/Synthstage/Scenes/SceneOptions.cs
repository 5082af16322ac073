using Synthstage.Onnx;

namespace Synthstage.Scenes;

/// <summary>The scene to generate behind the subject: prompt, seed and Stable Diffusion settings, plus the camera move.</summary>
public sealed record SceneOptions : ISettingsDescription
{
    /// <summary>The catalog id used when <see cref="Model"/> is null: Stable Diffusion 1.5 (CreativeML OpenRAIL-M, commercial use allowed within its use restrictions).</summary>
    public const string DefaultModel = "sd15-onnx";

    /// <summary>What the scene shows.</summary>
    public required string Prompt { get; init; }

    /// <summary>What it should not show.</summary>
    public string NegativePrompt { get; init; } = "";

    /// <summary>Seed of the torch-compatible generator.</summary>
    public ulong Seed { get; init; }

    /// <summary>Denoising steps.</summary>
    public int Steps { get; init; } = 25;

    /// <summary>Classifier-free guidance scale (≤ 1 turns it off, as for turbo models).</summary>
    public float GuidanceScale { get; init; } = 7.5f;

    /// <summary>Scheduler short name, or null for the model's own.</summary>
    public string? Scheduler { get; init; }

    /// <summary>A model folder, catalog id or Hub name; null for <see cref="DefaultModel"/>, which is never downloaded implicitly.</summary>
    public string? Model { get; init; }

    /// <summary>Camera move over the plate.</summary>
    public PlateMotion Motion { get; init; } = PlateMotion.Still;

    /// <summary>
    /// How the plate is enlarged toward the frame before the cover resampling: auto (the installed ESRGAN of the smallest
    /// factor that reaches the cover size, else cubic), cubic, lanczos, or a named ESRGAN model (installed on first use).
    /// The method actually used is the background's setting (<see cref="PlateEnlargement"/>), not this choice.
    /// </summary>
    public Upscaling.UpscalerChoice PlateUpscale { get; init; } = Upscaling.UpscalerChoice.Auto;

    /// <summary>Folder of the generated-scene cache; null for <c>cache/scenes</c> in the keying options' model store.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>Where the diffusion networks run (all cores by default).</summary>
    public SessionOptionsSpec Session { get; init; } = new(ExecutionDevice.Cpu, IntraOpThreads: 0);

    /// <summary>Two or more prompts for a walking background (<c>--background-motion walk</c>): <see cref="Prompt"/> is ignored and
    /// the background walks through these, spread evenly over the clip, with seeds <see cref="Seed"/>, Seed + 1, …; empty for a still scene.</summary>
    public IReadOnlyList<string> WalkPrompts { get; init; } = [];

    /// <summary>
    /// Receives the latents' cheap RGB picture after every denoising step of the plate (<see cref="Diffusion.Pipelines.LatentPreview"/>),
    /// or null; the studio streams it while the scene forms. Watching changes no pixel, so it is not described.
    /// </summary>
    public IProgress<Diffusion.Pipelines.DiffusionPreview>? Preview { get; init; }

    /// <summary>Output frames per generated background of a walk; the frames between are crossfades of neighbours.</summary>
    public int WalkEvery { get; init; } = 8;

    /// <summary>
    /// What the generated background depends on: prompt (or walk prompts and spacing), negative prompt, seed, steps,
    /// guidance, scheduler (when chosen) and model. The camera move and the plate's enlargement are the background's own settings; cache folder and
    /// execution device change where the work happens, not the picture.
    /// </summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (WalkPrompts.Count == 0) writer.Add("scene-prompt", Prompt);
        for (var i = 0; i < WalkPrompts.Count; i++) writer.Add($"scene-prompt {i + 1}", WalkPrompts[i]);
        if (WalkPrompts.Count > 0) writer.Add("scene-walk-every", WalkEvery);
        writer.Add("scene-negative", NegativePrompt)
            .Add("scene-seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Add("scene-steps", Steps)
            .Add("scene-guidance", GuidanceScale)
            .Add("scene-model", Model ?? DefaultModel);
        if (Scheduler is not null) writer.Add("scene-scheduler", Scheduler);
    }
}
