using System.CommandLine;
using Synthstage.Compositing;
using Synthstage.Media;
using Synthstage.Onnx;
using Synthstage.Video;

namespace Synthstage.Cli.Commands;

/// <summary>Options several commands share, declared once.</summary>
internal static class CommonOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Show stack traces on errors",
        Recursive = true,
    };

    public static Option<string> Output(string description) => new("--output", "-o") { Description = description, Required = true };

    public static Option<string> Model() => new("--model", "-m")
    {
        Description = "Segmentation model: auto (landscape for wide frames), general, landscape, pose-lite, pose-full, pose-heavy (BlazePose GHUM), or an .onnx file: a selfie-style mask model, MODNet, or Robust Video Matting (GPL-3.0 licence)",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<float> Threshold() => new("--threshold") { Description = "Mask probability that counts as half subject (0..1)", DefaultValueFactory = _ => 0.5f };

    public static Option<float> Softness() => new("--softness") { Description = "Width of the soft band around the threshold (0 = hard edge, 1 = raw probability)", DefaultValueFactory = _ => 0.6f };

    public static Option<float> Feather() => new("--feather") { Description = "Edge feathering, Gaussian sigma in output pixels (0 = off)", DefaultValueFactory = _ => 2f };

    public static Option<float> ClipBlack() => new("--clip-black") { Description = "Guided refinement: matte level cut to fully transparent, the rest stretched (0 = off; removes a faint shimmer of background texture)", DefaultValueFactory = _ => new MatteOptions().ClipBlack };

    public static Option<float> ClipWhite() => new("--clip-white") { Description = "Guided refinement: matte level raised to fully opaque (1 = off)", DefaultValueFactory = _ => new MatteOptions().ClipWhite };

    public static Option<float> Smoothing() => new("--smoothing") { Description = "Temporal smoothing of uncertain mask pixels between frames, MediaPipe's ratio (0 = off, 1 = strongest)", DefaultValueFactory = _ => 0.7f };

    public static Option<string> LandmarkSmoothing() => new("--landmark-smoothing") { Description = "One Euro smoothing of the reported landmarks over time, as MediaPipe does (on or off)", DefaultValueFactory = _ => "on" };

    public static Option<string> CropSmoothing() => new("--crop-smoothing") { Description = "pose models: One Euro smoothing of the landmarks that place the next frame's crop, as MediaPipe does (on or off; off by default: a steadier crop, not a steadier matte)", DefaultValueFactory = _ => "off" };

    public static Option<string> HeatmapRefinement() => new("--heatmap-refinement") { Description = "pose models: move the landmarks to the peaks of the model's heatmap, as MediaPipe does (on or off)", DefaultValueFactory = _ => "on" };

    /// <summary>Reads an on|off option's value.</summary>
    public static bool ParseOnOff(Option<string> option, string value) => value.ToLowerInvariant() switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        _ => throw new SynthstageException($"unknown {option.Name} '{value}'; use on or off", ExitCodes.Usage),
    };

    public static Option<string> Refine() => new("--refine") { Description = "Matte enlargement: guided (edge-aware, follows the frame's edges) or off (bilinear)", DefaultValueFactory = _ => "guided" };

    public static MatteRefinement ParseRefine(string value) => value.ToLowerInvariant() switch
    {
        "guided" or "on" => MatteRefinement.Guided,
        "off" or "bilinear" => MatteRefinement.Off,
        _ => throw new SynthstageException($"unknown --refine '{value}'; use guided or off", ExitCodes.Usage),
    };

    public static Option<int> Crf() => new("--crf") { Description = "Quality for H.264/VP9 (lower = better, larger file)", DefaultValueFactory = _ => 18 };

    public static Option<string> Preset() => new("--preset") { Description = "x264 speed preset (ultrafast … veryslow)", DefaultValueFactory = _ => "veryfast" };

    public static Option<string?> Format() => new("--format", "-f") { Description = "Output format: mp4, webm, prores, png-sequence, png (default: from the output's extension)" };

    public static Option<string> Device() => new("--device") { Description = "Where networks run: cpu or cuda", DefaultValueFactory = _ => "cpu" };

    public static Option<bool> NoAudio() => new("--no-audio") { Description = "Do not copy the input's audio" };

    public static Option<bool> NoWatermark() => new("--no-watermark") { Description = "Do not embed the invisible watermark (the manifest records that it is off)" };

    public static Option<string?> Label() => new("--label") { Description = "Draw a small visible label in the bottom-right corner, e.g. \"AI-generated\"" };

    /// <summary>Provenance settings from --no-watermark and --label; records the command line.</summary>
    public static Synthstage.Provenance.ProvenanceOptions ReadProvenance(ParseResult result, Option<bool> noWatermark, Option<string?> label) => new()
    {
        Watermark = !result.GetValue(noWatermark),
        WatermarkNote = result.GetValue(noWatermark) ? "disabled with --no-watermark" : null,
        Label = result.GetValue(label),
        CommandLine = Environment.GetCommandLineArgs().Skip(1).ToArray(),
    };

    /// <summary>The options that shape keying, added to a command together.</summary>
    public sealed class Keying
    {
        public Option<string> Model { get; } = CommonOptions.Model();
        public Option<float> Threshold { get; } = CommonOptions.Threshold();
        public Option<float> Softness { get; } = CommonOptions.Softness();
        public Option<float> Feather { get; } = CommonOptions.Feather();
        public Option<float> Smoothing { get; } = CommonOptions.Smoothing();
        public Option<string> Refine { get; } = CommonOptions.Refine();
        public Option<float> ClipBlack { get; } = CommonOptions.ClipBlack();
        public Option<float> ClipWhite { get; } = CommonOptions.ClipWhite();
        public Option<int> Crf { get; } = CommonOptions.Crf();
        public Option<string> Preset { get; } = CommonOptions.Preset();
        public Option<string> Device { get; } = CommonOptions.Device();
        public Option<bool> NoAudio { get; } = CommonOptions.NoAudio();
        public Option<bool> NoWatermark { get; } = CommonOptions.NoWatermark();
        public Option<string?> Label { get; } = CommonOptions.Label();

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Model, Threshold, Softness, Feather, Smoothing, Refine, ClipBlack, ClipWhite, Crf, Preset, Device, NoAudio, NoWatermark, Label })
                command.Options.Add(option);
        }

        public KeyingOptions Read(ParseResult result, OutputFormat? format) => new()
        {
            Model = result.GetValue(Model)!,
            Matte = new MatteOptions
            {
                Threshold = result.GetValue(Threshold),
                Softness = result.GetValue(Softness),
                Feather = result.GetValue(Feather),
                Smoothing = result.GetValue(Smoothing),
                Refine = ParseRefine(result.GetValue(Refine)!),
                ClipBlack = result.GetValue(ClipBlack),
                ClipWhite = result.GetValue(ClipWhite),
            },
            Format = format,
            Crf = result.GetValue(Crf),
            Preset = result.GetValue(Preset)!,
            KeepAudio = !result.GetValue(NoAudio),
            Session = new SessionOptionsSpec(ParseDevice(result.GetValue(Device)!)),
            Provenance = ReadProvenance(result, NoWatermark, Label),
        };
    }

    public static ExecutionDevice ParseDevice(string value) => value.ToLowerInvariant() switch
    {
        "cpu" => ExecutionDevice.Cpu,
        "cuda" or "gpu" => ExecutionDevice.Cuda,
        _ => throw new SynthstageException($"unknown device '{value}'; use cpu or cuda", ExitCodes.Usage),
    };

    public static OutputFormat? ParseFormat(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "mp4" or "h264" => OutputFormat.Mp4,
        "webm" or "vp9" => OutputFormat.WebM,
        "prores" or "mov" => OutputFormat.ProRes,
        "png-sequence" or "pngs" => OutputFormat.PngSequence,
        "png" => OutputFormat.Png,
        _ => throw new SynthstageException($"unknown format '{value}'; use mp4, webm, prores, png-sequence or png", ExitCodes.Usage),
    };
}
