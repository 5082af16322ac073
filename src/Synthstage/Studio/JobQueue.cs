using System.Diagnostics;

namespace Synthstage.Studio;

/// <summary>
/// Runs the stored jobs one at a time per device, in queue order, and tells listeners about every change (state,
/// progress at most five times a second). Pausing or cancelling a running job stops its render; a paused job resumes
/// from its finished parts. A failing job keeps its one-line error and the queue moves on.
/// </summary>
public sealed class JobQueue : IAsyncDisposable
{
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan StoreInterval = TimeSpan.FromSeconds(1);

    private readonly JobStore _store;
    private readonly StudioJobRunner _runner;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (Task Loop, SemaphoreSlim Wake)> _workers = [];
    private readonly Dictionary<string, (CancellationTokenSource Cancel, JobState Then)> _running = [];
    private int _disposed;

    /// <summary>A queue over <paramref name="store"/>; call <see cref="Start"/> to run it.</summary>
    public JobQueue(JobStore store, StudioJobRunner runner)
    {
        _store = store;
        _runner = runner;
    }

    /// <summary>A job changed (its state or progress); called on the worker's thread, so listeners must not block.</summary>
    public event Action<StudioJob>? Changed;

    /// <summary>The store behind the queue.</summary>
    public JobStore Store => _store;

    /// <summary>Requeues jobs a stopped server left running and starts a worker per device with waiting jobs.</summary>
    public void Start()
    {
        _store.RequeueInterrupted();
        foreach (var device in _store.List().Where(j => j.State == JobState.Queued).Select(j => j.Device).Distinct()) Wake(device);
    }

    /// <summary>Adds a job at the end of the queue.</summary>
    public StudioJob Enqueue(RenderRequest request)
    {
        var job = _store.Add(request.Kind, request);
        Notify(job);
        Wake(job.Device);
        return job;
    }

    /// <summary>Holds a waiting job, or stops a running one keeping its parts.</summary>
    public void Pause(string id)
    {
        if (StopRunning(id, JobState.Paused)) return;
        if (!_store.Transition(id, JobState.Paused, JobState.Queued)) throw NotIn(id, "waiting or running");
        NotifyId(id);
    }

    /// <summary>Puts a paused (or failed) job back in the queue.</summary>
    public void Resume(string id)
    {
        if (!_store.Transition(id, JobState.Queued, JobState.Paused, JobState.Failed)) throw NotIn(id, "paused or failed");
        NotifyId(id);
        if (_store.Get(id) is { } job) Wake(job.Device);
    }

    /// <summary>Cancels a waiting or running job.</summary>
    public void Cancel(string id)
    {
        if (StopRunning(id, JobState.Cancelled)) return;
        if (!_store.Transition(id, JobState.Cancelled, JobState.Queued, JobState.Paused)) throw NotIn(id, "waiting, paused or running");
        NotifyId(id);
    }

    /// <summary>Moves a waiting job to <paramref name="index"/> among the unfinished ones (0 = next).</summary>
    public void Move(string id, int index)
    {
        _store.Move(id, index);
        foreach (var job in _store.List()) Notify(job);
    }

    private bool StopRunning(string id, JobState then)
    {
        lock (_lock)
        {
            if (!_running.TryGetValue(id, out var run)) return false;
            _running[id] = (run.Cancel, then);
            run.Cancel.Cancel();
            return true;
        }
    }

    private void Wake(string device)
    {
        lock (_lock)
        {
            if (!_workers.TryGetValue(device, out var worker))
            {
                var wake = new SemaphoreSlim(0);
                worker = (Task.Run(() => WorkAsync(device, wake)), wake);
                _workers[device] = worker;
            }
            worker.Wake.Release();
        }
    }

    private async Task WorkAsync(string device, SemaphoreSlim wake)
    {
        var ct = _stopping.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await wake.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            while (!ct.IsCancellationRequested && _store.TakeNext(device) is { } job)
                await RunAsync(job, ct).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(StudioJob job, CancellationToken stopping)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        lock (_lock) _running[job.Id] = (cancel, JobState.Cancelled);
        var clock = Stopwatch.StartNew();
        var reporter = new ProgressReporter(this, job);
        Notify(job);
        JobState state;
        string? error = null;
        try
        {
            await _runner.RunAsync(job, output => _store.SetOutput(job.Id, output), reporter, cancel.Token).ConfigureAwait(false);
            reporter.Flush();
            state = JobState.Done;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The server stopping leaves the job running in the store, to be requeued and resumed at the next start.
            if (stopping.IsCancellationRequested) return;
            lock (_lock) state = _running[job.Id].Then;
        }
        catch (SynthstageException e)
        {
            state = JobState.Failed;
            error = e.Message;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state = JobState.Failed;
            error = e.Message;
        }
#pragma warning disable CA1031 // A job's failure of any kind must not stop the queue; its type and message become its error line.
        catch (Exception e)
#pragma warning restore CA1031
        {
            state = JobState.Failed;
            error = $"unexpected failure: {e.GetType().Name}: {e.Message.Split('\n')[0]}";
        }
        finally
        {
            lock (_lock) _running.Remove(job.Id);
        }
        _store.Finish(job.Id, state, null, error, clock.Elapsed.TotalSeconds);
        NotifyId(job.Id);
    }

    private void NotifyId(string id)
    {
        if (_store.Get(id) is { } job) Notify(job);
    }

    private void Notify(StudioJob job) => Changed?.Invoke(job);

    private static SynthstageException NotIn(string id, string states) => new($"job {id} is not {states}", ExitCodes.Usage);

    /// <summary>Stops the workers; running jobs stay "running" in the store and resume at the next start.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] loops;
        lock (_lock) loops = [.. _workers.Values.Select(w => w.Loop)];
        await Task.WhenAll(loops).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Turns the engine's progress into <see cref="JobProgress"/> (speed and time left per stage), throttled.</summary>
    private sealed class ProgressReporter(JobQueue queue, StudioJob job) : IProgress<PipelineProgress>
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _sinceEvent = Stopwatch.StartNew();
        private readonly Stopwatch _sinceStore = Stopwatch.StartNew();
        private string? _stage;
        private long _stageStartDone;
        private Stopwatch _stageClock = Stopwatch.StartNew();
        private JobProgress? _last;

        public void Report(PipelineProgress value)
        {
            lock (_lock)
            {
                var changed = value.Stage != _stage;
                if (changed)
                {
                    _stage = value.Stage;
                    _stageStartDone = value.Done;
                    _stageClock = Stopwatch.StartNew();
                }
                var seconds = _stageClock.Elapsed.TotalSeconds;
                double? fps = seconds > 0.5 && value.Done > _stageStartDone ? (value.Done - _stageStartDone) / seconds : null;
                double? left = fps is > 0 && value.Total is { } total ? Math.Max(0, total - value.Done) / fps : null;
                _last = new JobProgress(value.Stage, value.Done, value.Total, fps, left, value.Detail ?? value.Bottleneck?.ToString());
                var complete = value.Total is { } t && value.Done >= t;
                if (!changed && !complete && _sinceEvent.Elapsed < EventInterval) return;
                _sinceEvent.Restart();
                Publish(_sinceStore.Elapsed >= StoreInterval || complete);
            }
        }

        public void Flush()
        {
            lock (_lock) if (_last is not null) Publish(store: true);
        }

        private void Publish(bool store)
        {
            if (store)
            {
                queue._store.SaveProgress(job.Id, _last!);
                _sinceStore.Restart();
            }
            queue.Notify(job with { State = JobState.Running, Progress = _last });
        }
    }
}
