using System.CommandLine;
using System.Globalization;
using Synthstage.Cli.Console;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Upscaling;
using Synthstage.Walks;

namespace Synthstage.Cli.Commands;

/// <summary>
/// <c>synthstage walk --model DIR --prompt A --seed 1 --prompt B --seed 2 … -o walk.mp4</c>: a video that morphs
/// between keyframes, optionally paced by audio; resumable by rerunning the same command.
/// </summary>
internal static class WalkCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "Stable Diffusion model: a folder (diffusers ONNX layout), a catalog id or a Hub name", Required = true };
        var prompts = new Option<string[]>("--prompt", "-p") { Description = "Prompt of a keyframe (repeat: one per keyframe)", AllowMultipleArgumentsPerToken = false };
        var seeds = new Option<ulong[]>("--seed") { Description = "Seed of a keyframe (repeat: one per --prompt)" };
        var negatives = new Option<string[]>("--negative", "-n") { Description = "Negative prompt: once for all keyframes, or once per keyframe" };
        var script = new Option<string?>("--script") { Description = "JSON or YAML file with keyframes (prompt, seed, negative), segments (frames, steps, guidance) and defaults" };
        var frames = new Option<string>("--frames") { Description = "Frames from one keyframe to the next: one number, or one per segment (24,48,12)", DefaultValueFactory = _ => "24" };
        var segmentTimes = new Option<string?>("--segment-times") { Description = "Seconds at which each keyframe sits (0,4.5,9); frames per segment follow from --fps" };
        var diffusion = new DiffusionOptions();
        var (steps, guidance, scheduler) = (diffusion.Steps, diffusion.Guidance, diffusion.Scheduler);
        var width = new Option<int>("--width", "-W") { Description = "Width in pixels, a multiple of 8", DefaultValueFactory = _ => 512 };
        var height = new Option<int>("--height", "-H") { Description = "Height in pixels, a multiple of 8", DefaultValueFactory = _ => 512 };
        var fps = new Option<double>("--fps") { Description = "Frames per second", DefaultValueFactory = _ => 24 };
        var batch = new Option<int>("--batch") { Description = "Frames per UNet call (needs a UNet with a dynamic batch)", DefaultValueFactory = _ => 1 };
        var audio = new Option<string?>("--audio") { Description = "Audio file: paces the walk on its beats and is muxed into the video" };
        var audioStart = new Option<double?>("--audio-start") { Description = "Seconds into the audio where the walk starts (default 0)" };
        var padAudio = new Option<bool>("--pad-audio") { Description = "Accept audio shorter than the walk and continue with silence" };
        var smooth = new Option<double>("--smooth") { Description = "0..1: share of a steady linear pace mixed into the audio pace", DefaultValueFactory = _ => 0.2 };
        var upscale = new Option<int>("--upscale") { Description = "Enlarge frames N times before encoding (see --upscaler)", DefaultValueFactory = _ => 1 };
        var upscaler = ChoiceOption.Create("--upscaler",
            "With --upscale N: auto (the installed ESRGAN ×N, UpscalerJS, MIT, else Lanczos), lanczos, or esrgan / medium (that ESRGAN ×N, installed from npm on first use; N = 2, 3, 4 or 8)",
            new Choices<string>([("auto", "auto"), ("lanczos", "lanczos"), ("esrgan", "slim"), ("medium", "medium")]), "auto");
        var framesDir = new Option<string?>("--frames-dir") { Description = "Also keep every frame as a PNG in this folder" };
        var encoder = new EncoderOptions();
        var restart = new Option<bool>("--restart") { Description = "Discard an unfinished run of this output made with other parameters" };
        var device = CommonOptions.Device();
        var noCache = new Option<bool>("--no-ort-cache") { Description = "Do not keep optimised models in ~/.cache/synthstage/ort" };
        var noWatermark = CommonOptions.NoWatermark();
        var label = CommonOptions.Label();
        var signing = new CommonOptions.Signing();
        var output = CommonOptions.Output("Output video (.mp4, .webm or .mov); OUT.resume.json and OUT.parts/ sit beside it until it is complete");
        var command = new Command("walk", "Render a video that morphs between prompts and seeds (optionally paced by audio); rerun to resume")
        {
            model, prompts, seeds, negatives, script, frames, segmentTimes, steps, guidance, scheduler, width, height, fps, batch,
            audio, audioStart, padAudio, smooth, upscale, upscaler, framesDir, restart, device, noCache, noWatermark, label, output,
        };
        encoder.AddTo(command);
        signing.AddTo(command);
        command.SetAction((result, ct) => CommandRunner.RunAsync(result, async token =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            var frameCounts = ParseList(result.GetValue(frames)!, "--frames", s => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            // Left out on the command line (and in a script), steps, guidance and scheduler follow the model, as generate's do.
            var (recommendedSteps, recommendedGuidance, recommendedScheduler) = diffusion.ReadOrRecommended(result, result.GetValue(model)!);
            var options = new WalkOptions
            {
                Keyframes = WalkKeyframe.Pair(result.GetValue(prompts) ?? [], result.GetValue(seeds) ?? [], result.GetValue(negatives) ?? []),
                FramesPerSegment = frameCounts.Length == 1 ? frameCounts[0] : 24,
                Segments = frameCounts.Length > 1 ? frameCounts.Select(f => new WalkSegment { Frames = f }).ToArray() : [],
                Steps = recommendedSteps,
                GuidanceScale = recommendedGuidance,
                Scheduler = recommendedScheduler,
                Width = result.GetValue(width),
                Height = result.GetValue(height),
                FrameRate = result.GetValue(fps),
                SegmentTimes = result.GetValue(segmentTimes) is { } times ? ParseList(times, "--segment-times", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)) : null,
            };
            if (result.GetValue(script) is { } file)
            {
                if (Given(prompts) || Given(seeds))
                    throw new SynthstageException("give keyframes either with --prompt/--seed or in --script, not both", ExitCodes.Usage);
                var fromFile = WalkScript.Load(file, options with { Keyframes = [] });
                // Options typed on the command line win over the file's defaults.
                options = fromFile with
                {
                    Steps = Given(steps) ? options.Steps : fromFile.Steps,
                    GuidanceScale = Given(guidance) ? options.GuidanceScale : fromFile.GuidanceScale,
                    Scheduler = Given(scheduler) ? options.Scheduler : fromFile.Scheduler,
                    Width = Given(width) ? options.Width : fromFile.Width,
                    Height = Given(height) ? options.Height : fromFile.Height,
                    FrameRate = Given(fps) ? options.FrameRate : fromFile.FrameRate,
                    FramesPerSegment = Given(frames) && frameCounts.Length == 1 ? options.FramesPerSegment : fromFile.FramesPerSegment,
                    SegmentTimes = Given(segmentTimes) ? options.SegmentTimes : fromFile.SegmentTimes,
                };
            }
            options = options with
            {
                Batch = result.GetValue(batch),
                AudioPath = result.GetValue(audio),
                AudioStart = result.GetValue(audioStart),
                PadAudio = result.GetValue(padAudio),
                Smooth = result.GetValue(smooth),
                Upscale = result.GetValue(upscale),
                Upscaler = result.GetValue(upscaler) switch
                {
                    "auto" => UpscalerChoice.Auto,
                    "lanczos" => UpscalerChoice.Lanczos,
                    var size => UpscalerChoice.Of(new EsrganModel(size!, result.GetValue(upscale))),
                },
                FramesFolder = result.GetValue(framesDir),
                Encoder = encoder.Read(result),
                Restart = result.GetValue(restart),
                OutputPath = result.GetValue(output)!,
                Provenance = CommonOptions.ReadProvenance(result, noWatermark, label, signing),
            };
            WalkPlan.Validate(options);
            var spec = result.GetValue(device)!.Session(intraOpThreads: 0);
            if (!result.GetValue(noCache)) spec = spec with { OptimizedModelCacheFolder = Path.Combine(ModelStore.DefaultRoot(), "ort") };

            try
            {
                var walk = await ConsoleProgress.RunAsync(async progress =>
                {
                    var folder = await ModelResolver.ResolveAsync(result.GetValue(model)!, progress: progress, cancellationToken: token);
                    return await Task.Run(() => WalkJob.RunAsync(folder, spec, options, null, progress, token), token);
                });
                foreach (var warning in walk.Warnings) System.Console.Error.WriteLine($"warning: {warning}");
                var resumed = walk.FramesResumed > 0 ? $", {walk.FramesResumed} resumed from an earlier run" : "";
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"wrote {walk.OutputPath} ({walk.Frames} frames, {walk.FramesRendered} rendered in {walk.Elapsed.TotalSeconds:0.0} s{resumed})"));
                return ExitCodes.Success;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                System.Console.Error.WriteLine($"error: {ResumableCancellation.Message(options.OutputPath)}");
                return ExitCodes.Cancelled;
            }
        }, ct));
        return command;
    }

    private static T[] ParseList<T>(string text, string option, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(parse).ToArray() is { Length: > 0 } values
                ? values
                : throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new SynthstageException($"{option} '{text}' must be a number or a comma-separated list of numbers", ExitCodes.Usage);
        }
    }
}
