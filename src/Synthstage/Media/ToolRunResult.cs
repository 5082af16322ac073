namespace Synthstage.Media;

/// <summary>The outcome of a finished external tool run (see <see cref="FfmpegTools.RunAsync"/>).</summary>
/// <param name="ExitCode">The process exit code; 0 means success for ffmpeg and ffprobe.</param>
/// <param name="StandardOutput">Everything the tool wrote to stdout, decoded as UTF-8.</param>
/// <param name="StandardError">The tool's stderr, truncated to its first 64 KiB.</param>
public sealed record ToolRunResult(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>The first non-empty line of <see cref="StandardError"/> without ffmpeg's "[codec @ 0x…]" prefix,
    /// or an empty string; meant for one-line error messages.</summary>
    public string FirstErrorLine =>
        FfmpegTools.CleanMessage(StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "");
}
