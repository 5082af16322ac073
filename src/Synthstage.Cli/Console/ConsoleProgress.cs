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
                        bars[p.Stage] = bar = ctx.AddTask(Markup.Escape($"{p.Stage} {p.Detail}"), maxValue: Math.Max(1, p.Total ?? 1));
                    if (p.Total is { } total) bar.MaxValue = Math.Max(1, total);
                    else bar.IsIndeterminate = true;
                    bar.Value = p.Done;
                    bar.Description = Markup.Escape($"{p.Stage} {p.Detail}");
                });
                result = await work(progress);
                foreach (var bar in bars.Values) bar.StopTask();
            });
        return result;
    }

    private sealed class SynchronousProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate) report(value);
        }
    }

    private sealed class PlainLines : IProgress<PipelineProgress>
    {
        private readonly Dictionary<string, long> _lastReport = [];
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Lock _gate = new();

        public void Report(PipelineProgress value)
        {
            lock (_gate)
            {
                var now = _clock.ElapsedMilliseconds;
                var final = value.Total is { } t && value.Done >= t;
                if (!final && _lastReport.TryGetValue(value.Stage, out var last) && now - last < 1000) return;
                _lastReport[value.Stage] = now;
                var amount = value.Total is { } total ? $"{value.Done}/{total}" : $"{value.Done}";
                System.Console.Error.WriteLine($"{value.Stage}: {amount} {value.Detail}".TrimEnd());
            }
        }
    }
}
