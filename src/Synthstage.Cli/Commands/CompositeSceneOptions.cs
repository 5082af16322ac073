using System.CommandLine;
using Synthstage.Compositing;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Scenes;
using Synthstage.Upscaling;

namespace Synthstage.Cli.Commands;

/// <summary>The scene, motion, look and preview options of <c>composite</c>, declared once for <c>composite</c> and <c>plan composite</c>.</summary>
internal sealed class CompositeSceneOptions
{
    public Option<string[]> Prompt { get; } = new("--prompt", "-p") { Description = "Generate the background from this text with Stable Diffusion (instead of --background); repeat with --background-motion walk", AllowMultipleArgumentsPerToken = false };
    public Option<double> PartSeconds { get; } = new("--part-seconds") { Description = "With --prompt: seconds of video per resumable part, the most a crash can cost (shorter parts cost encoder restarts)", DefaultValueFactory = _ => 10 };

    public Option<bool> Restart { get; } = new("--restart") { Description = "With --prompt: discard an unfinished render of this output made with other parameters (an unfinished one with the same parameters resumes)" };
    public Option<int> WalkEvery { get; } = new("--walk-every") { Description = "With --background-motion walk: output frames per generated background (crossfaded between)", DefaultValueFactory = _ => 8 };
    public Option<string> Negative { get; } = new("--negative", "-n") { Description = "Negative prompt for the scene", DefaultValueFactory = _ => "" };
    public Option<ulong?> Seed { get; } = new("--seed") { Description = "Seed of the scene (default: derived from the prompt and the input, printed; the same for --preview and the render)" };
    public DiffusionOptions Diffusion { get; } = new();
    public Option<string?> SceneModel { get; } = new("--scene-model") { Description = $"Stable Diffusion model: folder, catalog id or Hub name, as generate --model (default: {SceneOptions.DefaultModel}, if installed)" };
    public Option<string> Motion { get; } = ChoiceOption.Create("--background-motion", "none, pan or zoom: a slow eased camera move over a larger plate; walk: a walk through two or more --prompt values (seeds S, S+1, …)",
        new Choices<string>([("none", "none"), ("pan", "pan"), ("zoom", "zoom"), ("walk", "walk")]), "none");
    public Option<UpscalerChoice> PlateUpscale { get; } = ChoiceOption.Create("--plate-upscale",
        "With --prompt: how the generated scene is enlarged to the frame. auto: the installed ESRGAN (UpscalerJS, MIT) of the smallest factor reaching the frame, else cubic; " +
        "cubic or lanczos: filters only; esrgan-xN or medium-xN: that model (installed from npm on first use)",
        new Choices<UpscalerChoice>([.. UpscalerChoice.Names.Select(n => (n, UpscalerChoice.Parse(n)))],
            [.. EsrganModel.Names.Select(n => (n.Replace("esrgan-", "esrgan-slim-", StringComparison.Ordinal).Replace("medium-", "esrgan-medium-", StringComparison.Ordinal), UpscalerChoice.Parse(n)))]),
        UpscalerChoice.Auto);
    public Option<float> Harmonize { get; } = new("--harmonize") { Description = "0..1: move the subject's colours toward the background's (0 = off)", DefaultValueFactory = _ => 0f };
    public Option<float> LightWrap { get; } = new("--light-wrap") { Description = "0..1: let the blurred background bleed into the subject's edge (0 = off)", DefaultValueFactory = _ => 0f };
    public Option<bool> Preview { get; } = new("--preview") { Description = "Write the composite of one frame as a PNG and stop" };
    public Option<int?> PreviewFrame { get; } = new("--preview-frame") { Description = "Zero-based frame for --preview (default: the middle)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Prompt, Negative, Seed })
            command.Options.Add(option);
        Diffusion.AddTo(command);
        foreach (var option in new Option[] { SceneModel, Motion, PlateUpscale, Harmonize, LightWrap, Preview, PreviewFrame, WalkEvery, PartSeconds, Restart })
            command.Options.Add(option);
    }

    public SceneOptions Read(ParseResult result, string prompt, PlateMotion motion, SessionOptionsSpec keyingSession, string inputPath)
    {
        // Steps, guidance and scheduler left out take the scene model's recommendation, as generate does.
        var (steps, guidance, scheduler) = Diffusion.ReadOrRecommended(result, result.GetValue(SceneModel) ?? SceneOptions.DefaultModel);
        return new()
        {
            Prompt = prompt,
            NegativePrompt = result.GetValue(Negative)!,
            Seed = result.GetValue(Seed) ?? SceneSeed.Derive(result.GetValue(Prompt) ?? [prompt], result.GetValue(Negative)!, inputPath),
            Steps = steps,
            GuidanceScale = guidance,
            Scheduler = scheduler,
            Model = result.GetValue(SceneModel),
            Motion = motion,
            PlateUpscale = result.GetValue(PlateUpscale)!,
            // As generate: optimised graphs kept in $SYNTHSTAGE_HOME/ort, so a large model's second load takes seconds.
            Session = keyingSession with { IntraOpThreads = 0, OptimizedModelCacheFolder = Path.Combine(ModelStore.DefaultRoot(), "ort") },
        };
    }

    public CompositeLook ReadLook(ParseResult result)
    {
        var look = new CompositeLook { Harmonize = result.GetValue(Harmonize), LightWrap = result.GetValue(LightWrap) };
        look.Validate();
        return look;
    }

    public PlateMotion ReadMotion(ParseResult result) => result.GetValue(Motion)!.ToLowerInvariant() switch
    {
        "none" => PlateMotion.Still,
        "pan" => new PlateMotion(BackgroundMotion.Pan),
        "zoom" => new PlateMotion(BackgroundMotion.Zoom),
        var other => throw new SynthstageException($"unknown --background-motion '{other}'; use none, pan, zoom or walk", ExitCodes.Usage),
    };
}
