using System.Diagnostics;
using Spectre.Console;
using Synthstage.Video;

namespace Synthstage.Cli.Console;

/// <summary>
/// Shows library progress: Spectre.Console bars on an interactive terminal, plain lines on stderr when output is
/// redirected (at most one a second per stage, plus the last).
/// </summary>
internal static class ConsoleProgress
{
    public static bool Interactive => !System.Console.IsErrorRedirected && !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(Func<IProgress<PipelineProgress>, Task<T>> work)
    {
        if (!Interactive) return await work(new PlainLines());
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var bars = new Dictionary<string, ProgressTask>();
                var progress = new SynchronousProgress(p =>
                {
                    if (!bars.TryGetValue(p.Stage, out var bar))
                        bars[p.Stage] = bar = ctx.AddTask(Markup.Escape(Describe(p)), maxValue: Math.Max(1, p.Total ?? 1));
                    if (p.Total is { } total) bar.MaxValue = Math.Max(1, total);
                    else bar.IsIndeterminate = true;
                    bar.Value = p.Done;
                    bar.Description = Markup.Escape(Describe(p));
                });
                result = await work(progress);
                foreach (var bar in bars.Values) bar.StopTask();
            });
        return result;
    }

    // The stage and its note, then the pipeline's current bottleneck once it is known.
    private static string Describe(PipelineProgress p) =>
        $"{p.Stage} {p.Detail}".TrimEnd() + (p.Bottleneck is { } slowest ? $"; slowest stage: {slowest}" : "");

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate) report(value);
        }
    }

    /// <summary>
    /// One line per change of a stage's count: every unit when a stage counts few (steps, files, keyframes), at most one a
    /// second when it counts many (frames, bytes), always the first and the last; a count of 0 is not shown. A report that only changes the
    /// detail of the count already shown prints nothing, so no count is shown twice and none before it is true.
    /// </summary>
    private sealed class PlainLines : IProgress<PipelineProgress>
    {
        /// <summary>Stages counting at most this many units show each one.</summary>
        private const long FewUnits = 100;

        private readonly Dictionary<string, (long Done, long? Total, long At)> _shown = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate)
            {
                var now = _clock.ElapsedMilliseconds;
                if (_shown.TryGetValue(value.Stage, out var last))
                {
                    if (value.Done == last.Done && value.Total == last.Total) return;
                    var final = value.Total is { } t && value.Done >= t;
                    var few = value.Total is <= FewUnits;
                    if (!final && !few && now - last.At < 1000) return;
                }
                _shown[value.Stage] = (value.Done, value.Total, now);
                // A count shows only once something is done: "install: npm pack …" then "install: 1/2 general.onnx".
                var amount = value.Done == 0 ? "" : value.Total is { } total ? $"{value.Done}/{total}" : $"{value.Done}";
                var slowest = value.Bottleneck is { } b ? $"; slowest stage: {b}" : "";
                System.Console.Error.WriteLine($"{value.Stage}: {amount} {value.Detail}".Replace(":  ", ": ", StringComparison.Ordinal).TrimEnd() + slowest);
            }
        }
    }
}
