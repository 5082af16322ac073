using System.Diagnostics;

namespace Synthstage.Pipeline;

/// <summary>
/// The load of a running <see cref="FramePipeline"/> for its progress reports: the busy times are read at most once
/// per <c>interval</c> (a few small allocations then, nothing in between), over the wall time since the sampler was
/// made — just before the run starts.
/// </summary>
/// <remarks>Not thread-safe: call from one thread, such as the pipeline's sink.</remarks>
internal sealed class PipelineLoadSampler
{
    private readonly FramePipeline _pipeline;
    private readonly IReadOnlyDictionary<string, string>? _tools;
    private readonly long _interval;
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _next;

    /// <param name="pipeline">The pipeline about to run.</param>
    /// <param name="tools">What does a stage's work, by stage name (see <see cref="PipelineLoad"/>); null for none.</param>
    /// <param name="interval">Least time between two reads of the busy times; the first read waits this long too, so
    /// the first frames (model warm-up, queues filling) do not name a bottleneck on their own.</param>
    public PipelineLoadSampler(FramePipeline pipeline, IReadOnlyDictionary<string, string>? tools, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _pipeline = pipeline;
        _tools = tools;
        _interval = (long)(interval.TotalSeconds * Stopwatch.Frequency);
        _next = _start + _interval;
    }

    /// <summary>Wall time since the sampler was made.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_start);

    /// <summary>The busiest stage so far, from the latest read; null until the first read, or while nothing was busy.</summary>
    public StageLoad? Slowest { get; private set; }

    /// <summary>Reads the busy times again when the interval has passed; returns <see cref="Slowest"/>.</summary>
    public StageLoad? Sample()
    {
        var now = Stopwatch.GetTimestamp();
        if (now < _next) return Slowest;
        _next = now + _interval;
        Slowest = new PipelineLoad(_pipeline.BusyTimes, Stopwatch.GetElapsedTime(_start, now), _tools).Slowest;
        return Slowest;
    }

    /// <summary>
    /// The load from the sampler's start until now, the time the sink's output spent finishing after the last frame
    /// (<paramref name="sinkFinishing"/>: an encoder draining its lookahead, which VP9's good deadline fills with 25
    /// frames) counted as the sink's work: the other stages are idle then, and the render waits on it.
    /// </summary>
    public PipelineLoad Total(TimeSpan sinkFinishing = default)
    {
        var busy = new Dictionary<string, TimeSpan>(_pipeline.BusyTimes, StringComparer.Ordinal);
        if (busy.TryGetValue(_pipeline.SinkName, out var sink)) busy[_pipeline.SinkName] = sink + sinkFinishing;
        return new PipelineLoad(busy, Elapsed, _tools);
    }
}
