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
        var scene = new CompositeSceneOptions();
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
}
