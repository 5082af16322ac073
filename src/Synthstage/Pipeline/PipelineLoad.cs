namespace Synthstage.Pipeline;

/// <summary>
/// How busy each thread of a <see cref="FramePipeline"/> was over a stretch of wall time, and which one was the
/// bottleneck: the stages overlap, so the frame rate is set by the busiest one while the others wait on it.
/// </summary>
public sealed class PipelineLoad
{
    /// <summary>Measures <paramref name="busyTimes"/> against <paramref name="elapsed"/>.</summary>
    /// <param name="busyTimes">Busy time by thread name, in the pipeline's order (<see cref="FramePipeline.BusyTimes"/>).</param>
    /// <param name="elapsed">Wall time of the stretch the busy times were collected over: the pipeline's run, or the part of it so far.</param>
    /// <param name="tools">What does a stage's work, by stage name, where worth naming (the encoder of the encode stage); null for none.</param>
    public PipelineLoad(IReadOnlyDictionary<string, TimeSpan> busyTimes, TimeSpan elapsed, IReadOnlyDictionary<string, string>? tools = null)
    {
        ArgumentNullException.ThrowIfNull(busyTimes);
        Elapsed = elapsed;
        var seconds = elapsed.TotalSeconds;
        Stages = busyTimes.Select(s => new StageLoad(s.Key, s.Value, seconds > 0 ? s.Value.TotalSeconds / seconds : 0,
            tools is not null && tools.TryGetValue(s.Key, out var tool) ? tool : null)).ToArray();
        // The first of equally busy stages, so the choice does not flicker between two of them.
        Slowest = Stages.Where(s => s.Busy > TimeSpan.Zero && seconds > 0).MaxBy(s => s.Busy);
    }

    /// <summary>Wall time the busy times were collected over.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Every thread's load, in the pipeline's order.</summary>
    public IReadOnlyList<StageLoad> Stages { get; }

    /// <summary>The busiest thread, or null when no time passed or no thread did any work yet.</summary>
    public StageLoad? Slowest { get; }
}
