using System.CommandLine;
using Synthstage.Media;

namespace Synthstage.Cli.Commands;

/// <summary>
/// How the output video is encoded, declared once for every command that writes one (<c>matte</c>, <c>composite</c>,
/// <c>walk</c>, <c>pose</c>): <c>--format</c>, <c>--crf</c>, <c>--preset</c> and <c>--vp9-deadline</c>, read into one
/// <see cref="EncoderSettings"/>. Defaults come from <see cref="EncoderSettings.Default"/>, so help shows what the
/// library does.
/// </summary>
internal sealed class EncoderOptions
{
    public Option<OutputFormat?> Format { get; } = ChoiceOption.Create<OutputFormat?>("--format", "Output format (default: from the output's extension)",
        new Choices<OutputFormat?>(
            [("mp4", OutputFormat.Mp4), ("webm", OutputFormat.WebM), ("prores", OutputFormat.ProRes), ("png-sequence", OutputFormat.PngSequence), ("png", OutputFormat.Png)],
            [("h264", OutputFormat.Mp4), ("vp9", OutputFormat.WebM), ("mov", OutputFormat.ProRes), ("pngs", OutputFormat.PngSequence)]),
        null, "-f");

    public Option<int> Crf { get; } = new("--crf")
    {
        Description = "Quality for H.264 (0..51) and VP9 (0..63): lower = better, larger file",
        DefaultValueFactory = _ => EncoderSettings.Default.Crf,
    };

    public Option<string> Preset { get; } = new("--preset")
    {
        Description = "x264 speed preset (ultrafast … veryslow); with --vp9-deadline good it also sets VP9's speed",
        DefaultValueFactory = _ => EncoderSettings.Default.Preset,
    };

    public Option<Vp9Deadline> Vp9Deadline { get; } = ChoiceOption.Create("--vp9-deadline",
        "WebM: realtime (fast) or good (files about a fifth smaller, several times slower; speed from --preset)",
        new Choices<Vp9Deadline>([("realtime", Media.Vp9Deadline.Realtime), ("good", Media.Vp9Deadline.Good)]), EncoderSettings.Default.Vp9Deadline);

    /// <summary>Adds the four options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Format, Crf, Preset, Vp9Deadline })
            command.Options.Add(option);
    }

    /// <summary>The settings given, checked now so that a bad one fails before any model loads.</summary>
    /// <exception cref="SynthstageException">A value is out of range (<see cref="ExitCodes.Usage"/>).</exception>
    public EncoderSettings Read(ParseResult result)
    {
        var settings = new EncoderSettings
        {
            Format = result.GetValue(Format),
            Crf = result.GetValue(Crf),
            Preset = result.GetValue(Preset)!,
            Vp9Deadline = result.GetValue(Vp9Deadline),
        };
        settings.Validate();
        return settings;
    }
}
