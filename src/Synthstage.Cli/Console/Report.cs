using Synthstage.Video;

namespace Synthstage.Cli.Console;

/// <summary>Prints what a render produced: one line per output on stdout, warnings on stderr.</summary>
internal static class Report
{
    public static void Results(IEnumerable<RenderResult> results, bool verbose = false)
    {
        foreach (var r in results)
        {
            var fps = r.FramesWritten / Math.Max(r.Elapsed.TotalSeconds, 1e-9);
            System.Console.WriteLine($"wrote {r.OutputPath}: {r.FramesWritten} frames in {r.Elapsed.TotalSeconds:F1} s ({fps:F1} frames/s)");
            if (r.Warning is not null) System.Console.Error.WriteLine($"warning: {r.Warning}");
            if (verbose && r.StageTimes.Count > 0)
                System.Console.Error.WriteLine("busy per stage: " + string.Join(", ", r.StageTimes.Select(s => $"{s.Key} {s.Value.TotalSeconds:F2} s")));
        }
    }
}
