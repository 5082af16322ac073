using System.Globalization;

namespace Synthstage.Media;

/// <summary>
/// How every video output is encoded: the format and the encoder's quality and speed. One record used by the options
/// of every job (keying, walks, pose overlays, resumable outputs, the frame writer), so defaults are stated once.
/// </summary>
public sealed record EncoderSettings
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

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">CRF outside 0..63, or an unknown VP9 deadline.</exception>
    /// <exception cref="ArgumentException">An empty preset.</exception>
    public void Validate()
    {
        if (Crf is < 0 or > 63)
            throw new ArgumentOutOfRangeException(nameof(Crf), Crf, "Crf must be in 0..63");
        ArgumentException.ThrowIfNullOrWhiteSpace(Preset);
        if (!Enum.IsDefined(Vp9Deadline))
            throw new ArgumentOutOfRangeException(nameof(Vp9Deadline), Vp9Deadline, "unknown VP9 deadline");
    }

    /// <summary>CRF as ffmpeg takes it.</summary>
    internal string CrfArgument => Crf.ToString(CultureInfo.InvariantCulture);
}
