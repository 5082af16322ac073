using System.Globalization;

namespace Synthstage.Media;

/// <summary>
/// How every video output is encoded: the format and the encoder's quality and speed. One record used by the options
/// of every job (keying, walks, pose overlays, resumable outputs, the frame writer), so defaults are stated once, and
/// described once (<see cref="Describe"/>) for every resume key and manifest that names them.
/// </summary>
public sealed record EncoderSettings : ISettingsDescription
{
    /// <summary>The defaults: format from the output's extension, CRF 18, preset veryfast, realtime VP9.</summary>
    public static EncoderSettings Default { get; } = new();

    /// <summary>Container and codec of the output; null picks it from the output path (<see cref="OutputFormats.FromPath"/>).</summary>
    public OutputFormat? Format { get; init; }

    /// <summary>Constant rate factor on the encoder's own scale: libx264 0–51 (18 ≈ visually lossless),
    /// libvpx-vp9 0–63. Ignored by ProRes and PNG.</summary>
    public int Crf { get; init; } = 18;

    /// <summary>libx264 preset (ultrafast … veryslow). With <see cref="Vp9Deadline.Good"/> it also picks VP9's speed:
    /// ultrafast–veryfast → cpu-used 5, faster–medium → 3, slower → 1.</summary>
    public string Preset { get; init; } = "veryfast";

    /// <summary>How hard the VP9 encoder works for WebM; realtime by default.</summary>
    public Vp9Deadline Vp9Deadline { get; init; } = Vp9Deadline.Realtime;

    /// <summary>The format for <paramref name="outputPath"/>: <see cref="Format"/> when set, else the path's.</summary>
    /// <exception cref="SynthstageException">No format is set and the extension is not supported (<see cref="ExitCodes.Usage"/>).</exception>
    public OutputFormat FormatFor(string outputPath) => Format ?? OutputFormats.FromPath(outputPath);

    /// <summary>Checks the ranges; every job checks this before any model loads or frame decodes.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/>: CRF outside 0..63, an empty preset, or an unknown VP9 deadline.</exception>
    public void Validate()
    {
        if (Crf is < 0 or > 63)
            throw new SynthstageException($"--crf must be between 0 and 63 (got {Crf.ToString(CultureInfo.InvariantCulture)})", ExitCodes.Usage);
        if (string.IsNullOrWhiteSpace(Preset))
            throw new SynthstageException("--preset must name an x264 preset (ultrafast … veryslow)", ExitCodes.Usage);
        if (!Enum.IsDefined(Vp9Deadline))
            throw new SynthstageException($"unknown VP9 deadline {Vp9Deadline}; use realtime or good", ExitCodes.Usage);
        if (Format is { } format && !Enum.IsDefined(format))
            throw new SynthstageException($"unknown output format {format}", ExitCodes.Usage);
    }

    /// <summary>
    /// CRF, preset and VP9 deadline, and the format when one is set (otherwise the output's extension, which the resume
    /// key and the manifest hold anyway, decides it). All are written whatever the format: a setting an encoder ignores
    /// costs one line, while leaving one out by format would make the description depend on the output path.
    /// </summary>
    public void Describe(SettingsWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Add("crf", Crf)
            .Add("preset", Preset)
            .Add("vp9 deadline", Vp9Deadline.ToString().ToLowerInvariant());
        if (Format is { } format) writer.Add("format", format.ToString().ToLowerInvariant());
    }

    /// <summary>CRF as ffmpeg takes it.</summary>
    internal string CrfArgument => Crf.ToString(CultureInfo.InvariantCulture);
}
