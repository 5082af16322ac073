using Synthstage.Video.Resume;

namespace Synthstage.Cli.Console;

/// <summary>What Ctrl+C left behind: the resumable parts and state of an output, or nothing under its name.</summary>
internal static class ResumableCancellation
{
    /// <summary>
    /// The one-line message after a cancelled render of <paramref name="outputPath"/>: when <c>OUT.resume.json</c>
    /// exists it names it and <c>OUT.parts/</c>, how to resume (the same command) and how to discard (delete both;
    /// <c>--restart</c> discards only a run made with other parameters, so rerunning with it would resume).
    /// </summary>
    public static string Message(string? outputPath)
    {
        if (outputPath is null || !File.Exists(ResumableVideoOutput.StatePathOf(outputPath)))
            return "cancelled; nothing was written under the output's name";
        return $"cancelled; the frames done are kept in {outputPath}.parts/ and {outputPath}.resume.json: " +
            "run the same command again to resume, or delete both to start over";
    }
}
