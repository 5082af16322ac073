using System.Globalization;
using Synthstage.Video;

namespace Synthstage.Cli.Console;

/// <summary>Prints what a render produced: one line per output on stdout, warnings on stderr.</summary>
internal static class Report
{
    public static void Results(IEnumerable<RenderResult> results, bool verbose = false)
    {
        var c = CultureInfo.InvariantCulture;
        foreach (var r in results)
        {
            var fps = r.FramesWritten / Math.Max(r.Elapsed.TotalSeconds, 1e-9);
            var slowest = r.Load?.Slowest is { } s ? $"; slowest stage: {s}" : "";
            System.Console.WriteLine(string.Create(c, $"wrote {r.OutputPath}: {r.FramesWritten} frames in {r.Elapsed.TotalSeconds:F1} s ({fps:F1} frames/s){slowest}"));
            if (r.Warning is not null) System.Console.Error.WriteLine($"warning: {r.Warning}");
            if (verbose && r.Load is { Stages.Count: > 0 } load)
                System.Console.Error.WriteLine(string.Create(c, $"busy per stage over {load.Elapsed.TotalSeconds:F2} s: ") + string.Join(", ", load.Stages.Select(t =>
                    string.Create(c, $"{t.Stage}{(t.Tool is null ? "" : $" ({t.Tool})")} {t.Busy.TotalSeconds:F2} s ({t.Percent})"))) +
                    (load.Slowest is { } slow ? $"; slowest: {slow.Stage}" : ""));
        }
    }
}
