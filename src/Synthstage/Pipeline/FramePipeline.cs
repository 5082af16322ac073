using System.Diagnostics;
using System.Threading.Channels;

namespace Synthstage.Pipeline;

/// <summary>
/// Runs decode → stage 1 → … → stage N → encode on separate threads joined by bounded queues, so decoding,
/// inference and encoding overlap while at most <c>depth</c> frames are in flight. Stages run in order on
/// every frame; each stage sees frames in input order. The first failure cancels every stage and is rethrown.
/// </summary>
public sealed class FramePipeline
{
    /// <summary>Reads the next frame into <c>work.Input</c>; returns false at the end of the input.</summary>
    public delegate ValueTask<bool> FrameSource(FrameWork work, CancellationToken ct);

    /// <summary>Consumes a finished frame (writes <c>work.Output</c>).</summary>
    public delegate ValueTask FrameSink(FrameWork work, CancellationToken ct);

    private readonly List<(string Name, Action<FrameWork> Run, int Delay, Action<FrameWork>? Release)> _stages = [];
    private readonly int _inputBytes;
    private readonly int _maskValues;
    private readonly int _outputBytes;
    private readonly int _depth;
    private long[] _busyTicks = [];

    /// <summary>Creates a pipeline whose frames carry the given buffer sizes.</summary>
    /// <param name="inputBytes">Bytes of one decoded frame.</param>
    /// <param name="maskValues">Floats of one low-resolution mask.</param>
    /// <param name="outputBytes">Bytes of one output frame; 0 to write the input buffer in place.</param>
    /// <param name="depth">Frames in flight (bounded queue capacity overall).</param>
    public FramePipeline(int inputBytes, int maskValues, int outputBytes, int depth = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 2);
        _inputBytes = inputBytes;
        _maskValues = maskValues;
        _outputBytes = outputBytes;
        _depth = depth;
    }

    /// <summary>Index of the first frame the source delivers (a resumed render starts past the frames already written).</summary>
    public int StartIndex { get; init; }

    /// <summary>Name of the source's thread in <see cref="BusyTimes"/>.</summary>
    public string SourceName { get; init; } = "decode";

    /// <summary>Name of the sink's thread in <see cref="BusyTimes"/>.</summary>
    public string SinkName { get; init; } = "encode";

    /// <summary>Appends a per-frame stage; each stage runs on its own thread.</summary>
    /// <param name="name">The stage's name in <see cref="BusyTimes"/> (for example <c>segment</c>); unique in the pipeline.</param>
    /// <param name="stage">The work done on each frame.</param>
    /// <exception cref="ArgumentException">The name is empty or already taken by a stage, the source or the sink.</exception>
    public FramePipeline AddStage(string name, Action<FrameWork> stage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(stage);
        if (name == SourceName || name == SinkName || _stages.Any(s => s.Name == name))
            throw new ArgumentException($"the pipeline already has a thread named '{name}'", nameof(name));
        _stages.Add((name, stage, 0, null));
        return this;
    }

    /// <summary>
    /// Appends a stage that holds <paramref name="delay"/> frames: <paramref name="accept"/> runs on each frame as it
    /// arrives, and <paramref name="release"/> on a frame once <paramref name="delay"/> later frames were accepted (or the
    /// input ended), just before it moves on. Work that needs a few frames of the future (two-sided smoothing) goes here;
    /// the pipeline is made deep enough to hold them.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or taken.</exception>
    public FramePipeline AddDelayedStage(string name, int delay, Action<FrameWork> accept, Action<FrameWork> release)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, 0);
        ArgumentNullException.ThrowIfNull(release);
        AddStage(name, accept);
        _stages[^1] = (name, accept, delay, release);
        return this;
    }

    /// <summary>
    /// Wall time each thread of the last run spent inside its work (waiting on queues excluded), by name: the source
    /// (<see cref="SourceName"/>), each stage, and the sink (<see cref="SinkName"/>). Shows which stage bounds the
    /// frame rate. Empty before the first run.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> BusyTimes
    {
        get
        {
            var times = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
            if (_busyTicks.Length == 0) return times;
            times[SourceName] = Stopwatch.GetElapsedTime(0, _busyTicks[0]);
            for (var s = 0; s < _stages.Count; s++) times[_stages[s].Name] = Stopwatch.GetElapsedTime(0, _busyTicks[s + 1]);
            times[SinkName] = Stopwatch.GetElapsedTime(0, _busyTicks[^1]);
            return times;
        }
    }

    /// <summary>Runs until the source is exhausted. Returns the number of frames written.</summary>
    public async Task<int> RunAsync(FrameSource source, FrameSink sink, CancellationToken ct)
    {
        // Busy time per thread: [0] source, [1..N] stages, [N+1] sink.
        var busy = _busyTicks = new long[_stages.Count + 2];
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = cts.Token;
        // Frames a delayed stage holds are out of circulation: keep the pool that much deeper.
        var depth = _depth + _stages.Sum(s => s.Delay);
        var pool = Channel.CreateBounded<FrameWork>(depth);
        for (var i = 0; i < depth; i++) pool.Writer.TryWrite(new FrameWork(_inputBytes, _maskValues, _outputBytes));
        var queues = Enumerable.Range(0, _stages.Count + 1)
            .Select(_ => Channel.CreateBounded<FrameWork>(new BoundedChannelOptions(depth) { SingleReader = true, SingleWriter = true }))
            .ToArray();
        var written = 0;

        async Task Read()
        {
            try
            {
                for (var index = StartIndex; ; index++)
                {
                    var work = await pool.Reader.ReadAsync(token).ConfigureAwait(false);
                    work.Index = index;
                    var start = Stopwatch.GetTimestamp();
                    var more = await source(work, token).ConfigureAwait(false);
                    busy[0] += Stopwatch.GetTimestamp() - start;
                    if (!more) break;
                    await queues[0].Writer.WriteAsync(work, token).ConfigureAwait(false);
                }
                queues[0].Writer.TryComplete();
            }
            catch (Exception e)
            {
                queues[0].Writer.TryComplete(e);
                throw;
            }
        }

        async Task Process(int stageIndex)
        {
            var input = queues[stageIndex].Reader;
            var output = queues[stageIndex + 1].Writer;
            try
            {
                var (_, run, delay, release) = _stages[stageIndex];
                var held = new Queue<FrameWork>(delay + 1);
                await foreach (var work in input.ReadAllAsync(token).ConfigureAwait(false))
                {
                    var start = Stopwatch.GetTimestamp();
                    run(work);
                    held.Enqueue(work);
                    var next = held.Count > delay ? held.Dequeue() : null;
                    if (next is not null) release?.Invoke(next);
                    busy[stageIndex + 1] += Stopwatch.GetTimestamp() - start;
                    if (next is not null) await output.WriteAsync(next, token).ConfigureAwait(false);
                }
                while (held.TryDequeue(out var last))
                {
                    var start = Stopwatch.GetTimestamp();
                    release!(last);
                    busy[stageIndex + 1] += Stopwatch.GetTimestamp() - start;
                    await output.WriteAsync(last, token).ConfigureAwait(false);
                }
                output.TryComplete();
            }
            catch (Exception e)
            {
                output.TryComplete(e);
                throw;
            }
        }

        async Task Write()
        {
            await foreach (var work in queues[^1].Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                var start = Stopwatch.GetTimestamp();
                await sink(work, token).ConfigureAwait(false);
                busy[^1] += Stopwatch.GetTimestamp() - start;
                written++;
                pool.Writer.TryWrite(work);
            }
        }

        var tasks = new List<Task> { Start(Read) };
        for (var s = 0; s < _stages.Count; s++)
        {
            var stageIndex = s;
            tasks.Add(Start(() => Process(stageIndex)));
        }
        tasks.Add(Start(Write));
        var all = tasks.ToArray();
        try
        {
            while (tasks.Count > 0)
            {
                var finished = await Task.WhenAny(tasks).ConfigureAwait(false);
                tasks.Remove(finished);
                if (finished.IsFaulted || finished.IsCanceled) await cts.CancelAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            await cts.CancelAsync().ConfigureAwait(false);
        }
        ct.ThrowIfCancellationRequested();
        var failures = all.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).ToList();
        // The stage that failed first has the real cause; the others saw a closed queue or a cancellation.
        var cause = failures.FirstOrDefault(e => e is not (OperationCanceledException or ChannelClosedException)) ?? failures.FirstOrDefault();
        if (cause is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(cause);
        return written;

        Task Start(Func<Task> body) => Task.Factory.StartNew(body, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }
}
