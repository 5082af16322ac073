using System.CommandLine;
using Synthstage.Cli.Console;
using Synthstage.Compositing;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Scenes;
using Synthstage.Upscaling;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage composite INPUT --background IMAGE|#RRGGBB|blur -o OUT</c>, or <c>--prompt TEXT</c> to generate the
/// scene with Stable Diffusion; <c>--preview</c> writes one frame as a PNG instead of the whole clip.
/// </summary>
internal static class CompositeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A video or image with a person in it" };
        var output = CommonOptions.Output("Output video or image (.mp4, .webm, .mov, .png, or a folder for PNG frames)");
        var background = new Option<string?>("--background", "-b") { Description = "Image file, #RRGGBB colour, or blur (or use --prompt)" };
        var keying = new CommonOptions.Keying();
        var scene = new SceneOptionsCli();
        var command = new Command("composite", "Put the person from the footage over a new background — an image, a colour, or a scene generated from --prompt — keeping the audio")
        {
            input, output, background,
        };
        keying.AddTo(command);
        scene.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            var options = keying.Read(result);
            var backgroundValue = result.GetValue(background);
            var prompts = result.GetValue(scene.Prompt) ?? [];
            var prompt = prompts.Length == 0 ? null : prompts[0];
            if ((backgroundValue is null) == (prompt is null))
                throw new SynthstageException("give either --background IMAGE|#RRGGBB|blur or --prompt TEXT (exactly one)", ExitCodes.Usage);
            var look = scene.ReadLook(result);
            var walk = string.Equals(result.GetValue(scene.Motion), "walk", StringComparison.OrdinalIgnoreCase);
            if (walk && prompts.Length < 2)
                throw new SynthstageException($"--background-motion walk needs two or more --prompt values (got {prompts.Length})", ExitCodes.Usage);
            if (!walk && prompts.Length > 1)
                throw new SynthstageException("several --prompt values make a walking background: add --background-motion walk", ExitCodes.Usage);
            var motion = walk ? PlateMotion.Still : scene.ReadMotion(result);
            var inputPath = result.GetValue(input)!;
            var outputPath = result.GetValue(output)!;
            var preview = result.GetValue(scene.Preview);
            var frame = result.GetValue(scene.PreviewFrame);
            if (frame is not null && !preview) throw new SynthstageException("--preview-frame needs --preview", ExitCodes.Usage);
            // A generated scene is expensive: its renders into a video file resume after an interruption; PNG outputs are written plainly.
            RenderOutput SceneOutput() => RenderOutput.CanResume(outputPath)
                ? new RenderOutput.Resumable(outputPath) { Restart = result.GetValue(scene.Restart), PartSeconds = result.GetValue(scene.PartSeconds) }
                : new RenderOutput.Plain(outputPath);

            if (walk)
            {
                if (preview) throw new SynthstageException("--preview does not support --background-motion walk yet", ExitCodes.Usage);
                var walkOptions = scene.Read(result, prompt!, motion, options.Session, inputPath) with { WalkPrompts = prompts, WalkEvery = result.GetValue(scene.WalkEvery) };
                var walked = await ConsoleProgress.RunAsync(progress => SceneCompositeJob.RunWalkAsync(inputPath, SceneOutput(), walkOptions, options, look, progress, token));
                System.Console.WriteLine(walked.Walk.FramesGenerated == 0
                    ? $"scene walk: {walked.Walk.Count} frames {walked.Walk.Width}×{walked.Walk.Height} (seeds {walkOptions.Seed}…{walkOptions.Seed + (ulong)prompts.Length - 1}) from the cache {walked.Walk.Folder}"
                    : $"scene walk: {walked.Walk.Count} frames {walked.Walk.Width}×{walked.Walk.Height} (seeds {walkOptions.Seed}…{walkOptions.Seed + (ulong)prompts.Length - 1}), {walked.Walk.FramesGenerated} generated, cached in {walked.Walk.Folder}");
                if (walked.Upscaler.Factor > 1) System.Console.WriteLine($"scene walk frames: {walked.Upscaler.Name} ×{walked.Upscaler.Factor} before the cover");
                if (walked.Render.FramesResumed > 0) System.Console.WriteLine($"resumed: {walked.Render.FramesResumed} frames kept from an earlier run");
                Report.Results([walked.Render], result.GetValue(CommonOptions.Verbose));
                return ExitCodes.Success;
            }

            if (prompt is not null)
            {
                var sceneOptions = scene.Read(result, prompt, motion, options.Session, inputPath);
                var render = await ConsoleProgress.RunAsync(progress => preview
                    ? SceneCompositeJob.PreviewAsync(inputPath, outputPath, sceneOptions, options, look, frame, progress, token)
                    : SceneCompositeJob.RunAsync(inputPath, SceneOutput(), sceneOptions, options, look, progress, token));
                var plate = render.Plate;
                System.Console.WriteLine(plate.FromCache
                    ? $"scene: {plate.Image.Width}×{plate.Image.Height} (seed {sceneOptions.Seed}) from the cache {plate.CachePath}"
                    : $"scene: {plate.Image.Width}×{plate.Image.Height} (seed {sceneOptions.Seed}) generated in {plate.GenerationTime.TotalSeconds:F1} s, cached as {plate.CachePath}");
                if (render.Enlarged.Upscaler.Factor > 1)
                    System.Console.WriteLine(render.Enlarged.FromCache
                        ? $"plate: {render.Enlarged.Upscaler.Name} to {render.Enlarged.Image.Width}×{render.Enlarged.Image.Height} from the cache"
                        : $"plate: {render.Enlarged.Upscaler.Name} to {render.Enlarged.Image.Width}×{render.Enlarged.Image.Height} in {render.Enlarged.Elapsed.TotalSeconds:F1} s");
                if (result.GetValue(scene.Seed) is null)
                    System.Console.WriteLine($"seed {sceneOptions.Seed}: from the prompt and the input, so --preview and the full render show the same scene (--seed N for another)");
                if (render.Render.FramesResumed > 0) System.Console.WriteLine($"resumed: {render.Render.FramesResumed} frames kept from an earlier run");
                Report.Results([render.Render], result.GetValue(CommonOptions.Verbose));
                return ExitCodes.Success;
            }

            var spec = BackgroundSpec.Parse(backgroundValue!);
            var plain = await ConsoleProgress.RunAsync(progress => preview
                ? CompositePreview.RenderAsync(inputPath, outputPath, spec, motion, options, look, frame, progress, token)
                : CompositeJob.RunAsync(inputPath, new RenderOutput.Plain(outputPath), MovingImageBackground.Over(spec, motion), options, look, progress, token));
            Report.Results([plain], result.GetValue(CommonOptions.Verbose));
            return ExitCodes.Success;
        }, ct, resumableOutput: result.GetValue(output)));
        return command;
    }

    /// <summary>The scene, motion, look and preview options of <c>composite</c>.</summary>
    private sealed class SceneOptionsCli
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
}
