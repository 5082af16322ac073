using System.CommandLine;
using System.Globalization;
using Synthstage.Models;
using Synthstage.Onnx;
using Synthstage.Upscaling;
using Synthstage.Walks;

namespace Synthstage.Cli.Commands;

/// <summary>
/// The options that describe a walk, declared once for <c>walk</c> and <c>plan walk</c> (whose workers parse the plan's
/// arguments with these same declarations): everything but where the video goes and whether to restart it.
/// </summary>
internal sealed class WalkArguments
{
    public Option<string> Model { get; } = new("--model", "-m") { Description = "Stable Diffusion model: a folder (diffusers ONNX layout), a catalog id or a Hub name", Required = true };
    public Option<string[]> Prompts { get; } = new("--prompt", "-p") { Description = "Prompt of a keyframe (repeat: one per keyframe)", AllowMultipleArgumentsPerToken = false };
    public Option<ulong[]> Seeds { get; } = new("--seed") { Description = "Seed of a keyframe (repeat: one per --prompt)" };
    public Option<string[]> Negatives { get; } = new("--negative", "-n") { Description = "Negative prompt: once for all keyframes, or once per keyframe" };
    public Option<string?> Script { get; } = new("--script") { Description = "JSON or YAML file with keyframes (prompt, seed, negative), segments (frames, steps, guidance) and defaults" };
    public Option<string> Frames { get; } = new("--frames") { Description = "Frames from one keyframe to the next: one number, or one per segment (24,48,12)", DefaultValueFactory = _ => "24" };
    public Option<string?> SegmentTimes { get; } = new("--segment-times") { Description = "Seconds at which each keyframe sits (0,4.5,9); frames per segment follow from --fps" };
    public DiffusionOptions Diffusion { get; } = new();
    public Option<int> Width { get; } = new("--width", "-W") { Description = "Width in pixels, a multiple of 8", DefaultValueFactory = _ => 512 };
    public Option<int> Height { get; } = new("--height", "-H") { Description = "Height in pixels, a multiple of 8", DefaultValueFactory = _ => 512 };
    public Option<double> Fps { get; } = new("--fps") { Description = "Frames per second", DefaultValueFactory = _ => 24 };
    public Option<int> Batch { get; } = new("--batch") { Description = "Frames per UNet call (needs a UNet with a dynamic batch)", DefaultValueFactory = _ => 1 };
    public Option<string?> Audio { get; } = new("--audio") { Description = "Audio file: paces the walk on its beats and is muxed into the video" };
    public Option<double?> AudioStart { get; } = new("--audio-start") { Description = "Seconds into the audio where the walk starts (default 0)" };
    public Option<bool> PadAudio { get; } = new("--pad-audio") { Description = "Accept audio shorter than the walk and continue with silence" };
    public Option<double> Smooth { get; } = new("--smooth") { Description = "0..1: share of a steady linear pace mixed into the audio pace", DefaultValueFactory = _ => 0.2 };
    public Option<int> Upscale { get; } = new("--upscale") { Description = "Enlarge frames N times before encoding (see --upscaler)", DefaultValueFactory = _ => 1 };
    public Option<string> Upscaler { get; } = ChoiceOption.Create("--upscaler",
        "With --upscale N: auto (the installed ESRGAN ×N, UpscalerJS, MIT, else Lanczos), lanczos, or esrgan / medium (that ESRGAN ×N, installed from npm on first use; N = 2, 3, 4 or 8)",
        new Choices<string>([("auto", "auto"), ("lanczos", "lanczos"), ("esrgan", "slim"), ("medium", "medium")]), "auto");
    public Option<string?> FramesDir { get; } = new("--frames-dir") { Description = "Also keep every frame as a PNG in this folder" };
    public EncoderOptions Encoder { get; } = new();
    public Option<ComputeDevice> Device { get; } = CommonOptions.Device();
    public Option<bool> NoCache { get; } = new("--no-ort-cache") { Description = "Do not keep optimised models in ~/.cache/synthstage/ort" };
    public Option<bool> NoWatermark { get; } = CommonOptions.NoWatermark();
    public Option<string?> Label { get; } = CommonOptions.Label();
    public CommonOptions.Signing Signing { get; } = new();

    /// <summary>Adds every option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Prompts, Seeds, Negatives, Script, Frames, SegmentTimes, Diffusion.Steps, Diffusion.Guidance, Diffusion.Scheduler,
                     Width, Height, Fps, Batch, Audio, AudioStart, PadAudio, Smooth, Upscale, Upscaler, FramesDir, Device, NoCache, NoWatermark, Label })
            command.Options.Add(option);
        Encoder.AddTo(command);
        Signing.AddTo(command);
    }

    /// <summary>The walk the options describe, writing to <paramref name="outputPath"/>; checked (<see cref="WalkPlan.Validate"/>).</summary>
    /// <param name="result">The parse.</param>
    /// <param name="outputPath">The video, or null for a planned walk (each shard names its own file).</param>
    /// <param name="restart">Discard an unfinished run with other parameters.</param>
    /// <exception cref="SynthstageException">A bad value, or keyframes given both on the command line and in a script.</exception>
    public WalkOptions Read(ParseResult result, string? outputPath, bool restart)
    {
        bool Given(Option option) => result.GetResult(option) is { Implicit: false };
        var frameCounts = ParseList(result.GetValue(Frames)!, "--frames", s => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        // Left out on the command line (and in a script), steps, guidance and scheduler follow the model, as generate's do.
        var (recommendedSteps, recommendedGuidance, recommendedScheduler) = Diffusion.ReadOrRecommended(result, result.GetValue(Model)!);
        var options = new WalkOptions
        {
            Keyframes = WalkKeyframe.Pair(result.GetValue(Prompts) ?? [], result.GetValue(Seeds) ?? [], result.GetValue(Negatives) ?? []),
            FramesPerSegment = frameCounts.Length == 1 ? frameCounts[0] : 24,
            Segments = frameCounts.Length > 1 ? frameCounts.Select(f => new WalkSegment { Frames = f }).ToArray() : [],
            Steps = recommendedSteps,
            GuidanceScale = recommendedGuidance,
            Scheduler = recommendedScheduler,
            Width = result.GetValue(Width),
            Height = result.GetValue(Height),
            FrameRate = result.GetValue(Fps),
            SegmentTimes = result.GetValue(SegmentTimes) is { } times ? ParseList(times, "--segment-times", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)) : null,
        };
        if (result.GetValue(Script) is { } file)
        {
            if (Given(Prompts) || Given(Seeds))
                throw new SynthstageException("give keyframes either with --prompt/--seed or in --script, not both", ExitCodes.Usage);
            var fromFile = WalkScript.Load(file, options with { Keyframes = [] });
            // Options typed on the command line win over the file's defaults.
            options = fromFile with
            {
                Steps = Given(Diffusion.Steps) ? options.Steps : fromFile.Steps,
                GuidanceScale = Given(Diffusion.Guidance) ? options.GuidanceScale : fromFile.GuidanceScale,
                Scheduler = Given(Diffusion.Scheduler) ? options.Scheduler : fromFile.Scheduler,
                Width = Given(Width) ? options.Width : fromFile.Width,
                Height = Given(Height) ? options.Height : fromFile.Height,
                FrameRate = Given(Fps) ? options.FrameRate : fromFile.FrameRate,
                FramesPerSegment = Given(Frames) && frameCounts.Length == 1 ? options.FramesPerSegment : fromFile.FramesPerSegment,
                SegmentTimes = Given(SegmentTimes) ? options.SegmentTimes : fromFile.SegmentTimes,
            };
        }
        options = options with
        {
            Batch = result.GetValue(Batch),
            AudioPath = result.GetValue(Audio),
            AudioStart = result.GetValue(AudioStart),
            PadAudio = result.GetValue(PadAudio),
            Smooth = result.GetValue(Smooth),
            Upscale = result.GetValue(Upscale),
            Upscaler = result.GetValue(Upscaler) switch
            {
                "auto" => UpscalerChoice.Auto,
                "lanczos" => UpscalerChoice.Lanczos,
                var size => UpscalerChoice.Of(new EsrganModel(size!, result.GetValue(Upscale))),
            },
            FramesFolder = result.GetValue(FramesDir),
            Encoder = Encoder.Read(result),
            Restart = restart,
            OutputPath = outputPath ?? "",
            Provenance = CommonOptions.ReadProvenance(result, NoWatermark, Label, Signing),
        };
        // A planned walk has no output of its own: its settings are checked against a video file of the encoder's format.
        var placeholder = options.Encoder.Format switch { Media.OutputFormat.WebM => "walk.webm", Media.OutputFormat.ProRes => "walk.mov", _ => "walk.mp4" };
        WalkPlan.Validate(outputPath is null ? options with { OutputPath = Path.Combine(Path.GetTempPath(), placeholder) } : options);
        return options;
    }

    /// <summary>Where the model runs: the device, all cores, the optimised-graph cache unless --no-ort-cache.</summary>
    public SessionOptionsSpec Session(ParseResult result)
    {
        var spec = result.GetValue(Device)!.Session(intraOpThreads: 0);
        return result.GetValue(NoCache) ? spec : spec with { OptimizedModelCacheFolder = Path.Combine(ModelStore.DefaultRoot(), "ort") };
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
