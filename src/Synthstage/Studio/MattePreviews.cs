using System.Collections.Concurrent;
using System.Globalization;

namespace Synthstage.Studio;

/// <summary>
/// The clip page's "preview matte of whole clip" runs: each a <see cref="PreviewRun"/> whose steps are the frames
/// <see cref="ClipMattePreview"/> renders (step n of N), ending done (its <see cref="PreviewRun.ImagePath"/> is the
/// WebM), stopped or failed. One runs at a time: a new request stops the one before (two would halve each other's
/// speed), except the same request again, which follows the run already under way. A cached preview ends at once.
/// </summary>
public sealed class MattePreviews(ClipMattePreview previews)
{
    private const int Kept = 16;
    private readonly ConcurrentDictionary<string, (PreviewRun Run, MattePreviewPlan Plan)> _runs = new();
    private readonly Lock _starting = new();

    /// <summary>The library call behind the runs.</summary>
    public ClipMattePreview Previews => previews;

    /// <summary>Starts (or finds) the preview of <paramref name="clip"/> with <paramref name="model"/> and <paramref name="points"/>.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.Usage"/> or <see cref="ExitCodes.BadInput"/>: see
    /// <see cref="ClipMattePreview.PlanAsync"/> — all before anything runs.</exception>
    public async Task<(PreviewRun Run, MattePreviewPlan Plan)> StartAsync(string clip, string model, IReadOnlyList<SubjectPoint>? points, CancellationToken ct)
    {
        var plan = await previews.PlanAsync(clip, model, points, ct).ConfigureAwait(false);
        lock (_starting)
        {
            if (_runs.Values.FirstOrDefault(r => !r.Run.Finished && r.Plan.Key == plan.Key) is { Run: not null } running) return running;
            foreach (var other in _runs.Values) other.Run.Stop();
            Prune();
            var id = Guid.NewGuid().ToString("N")[..12];
            var run = new PreviewRun(id, plan.OutputPath);
            _runs[id] = (run, plan);
            _ = Task.Run(() => RunAsync(run, plan), CancellationToken.None);
            return (run, plan);
        }
    }

    /// <summary>The run with <paramref name="id"/> and what it previews.</summary>
    /// <exception cref="SynthstageException">With <see cref="ExitCodes.BadInput"/>: no such preview (or it was pruned).</exception>
    public (PreviewRun Run, MattePreviewPlan Plan) Get(string id) =>
        _runs.TryGetValue(id ?? "", out var run) ? run : throw new SynthstageException($"no matte preview '{id}'", ExitCodes.BadInput);

    private async Task RunAsync(PreviewRun run, MattePreviewPlan plan)
    {
        var frames = plan.Input.FrameCount;
        PreviewEvent last;
        try
        {
            var result = await previews.RenderAsync(plan, new FrameProgress(run), run.Token).ConfigureAwait(false);
            var seconds = result.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var note = result.FromCache
                ? "from the cache (the same clip, model and points as before)"
                : $"{result.Frames} frames in {seconds} s" + (result.Warning is null ? "" : "; " + result.Warning);
            last = new PreviewEvent("done", result.Frames, result.FromCache ? result.Frames : frames, null, note);
        }
        catch (OperationCanceledException) when (run.Token.IsCancellationRequested)
        {
            var (step, steps) = run.LastStep();
            last = new PreviewEvent("stopped", step, steps, null, $"stopped at frame {step} of {Math.Max(steps, frames)}");
        }
        catch (SynthstageException e)
        {
            last = new PreviewEvent("error", 0, 0, null, e.Message.Split('\n')[0]);
        }
#pragma warning disable CA1031 // A preview's failure of any kind becomes its one-line error; the studio keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            last = new PreviewEvent("error", 0, 0, null, $"unexpected failure: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
        run.End(last);
    }

    private void Prune()
    {
        foreach (var old in _runs.Values.Where(r => r.Run.Finished).OrderByDescending(r => r.Run.Started).Skip(Kept - 1).ToArray())
            _runs.TryRemove(old.Run.Id, out _);
    }

    // The render's frames become the run's steps; install and warning reports stay with the render.
    private sealed class FrameProgress(PreviewRun run) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value)
        {
            if (value.Stage == "render" && value.Total is { } total) run.Progress((int)value.Done, (int)total);
        }
    }
}
