using System.Text.RegularExpressions;

namespace Synthstage.Media;

/// <summary>Chooses an <see cref="OutputFormat"/> from an output path and describes each format's abilities.</summary>
public static partial class OutputFormats
{
    /// <summary>
    /// The format an output path implies: <c>.mp4</c>/<c>.m4v</c> → <see cref="OutputFormat.Mp4"/>,
    /// <c>.mov</c> → <see cref="OutputFormat.ProRes"/>, <c>.webm</c> → <see cref="OutputFormat.WebM"/>,
    /// <c>.png</c> → <see cref="OutputFormat.Png"/>; an existing folder, a path ending in a separator, a path
    /// without extension or a file pattern with <c>%d</c>/<c>%06d</c> → <see cref="OutputFormat.PngSequence"/>.
    /// </summary>
    /// <param name="path">The output path the user gave.</param>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> for any other extension.</exception>
    public static OutputFormat FromPath(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var fileName = Path.GetFileName(path);
        if (FramePattern().IsMatch(fileName))
            return Path.GetExtension(fileName).Equals(".png", StringComparison.OrdinalIgnoreCase)
                ? OutputFormat.PngSequence
                : throw new SynthstageException($"output pattern '{path}' must end in .png; frame sequences are written as PNG", ExitCodes.Usage);
        if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar) || Directory.Exists(path))
            return OutputFormat.PngSequence;
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".mp4" or ".m4v" => OutputFormat.Mp4,
            ".mov" => OutputFormat.ProRes,
            ".webm" => OutputFormat.WebM,
            ".png" => OutputFormat.Png,
            "" => OutputFormat.PngSequence,
            var other => throw new SynthstageException(
                $"output '{path}' has the unsupported extension '{other}'; use .mp4, .m4v, .mov, .webm, .png or a folder for a PNG sequence",
                ExitCodes.Usage),
        };
    }

    /// <summary>True when the format stores an alpha channel (everything except <see cref="OutputFormat.Mp4"/>).</summary>
    public static bool SupportsAlpha(OutputFormat format) => format != OutputFormat.Mp4;

    /// <summary>True when the format can carry audio (the video containers, not the PNG outputs).</summary>
    public static bool SupportsAudio(OutputFormat format) => format is OutputFormat.Mp4 or OutputFormat.WebM or OutputFormat.ProRes;

    /// <summary>A printf-style frame number such as <c>%d</c> or <c>%06d</c>.</summary>
    [GeneratedRegex(@"%0?\d*d")]
    internal static partial Regex FramePattern();
}
