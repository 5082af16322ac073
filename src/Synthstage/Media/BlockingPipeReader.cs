using System.Threading.Tasks.Sources;

namespace Synthstage.Media;

/// <summary>
/// Reads exact-size blocks from a blocking pipe stream on a dedicated thread and hands them to async callers
/// without allocating per read.
/// </summary>
/// <remarks>
/// The stdout of a child process is an anonymous pipe, which .NET reads synchronously; its <c>ReadAsync</c> falls
/// back to queueing a blocking read per call (a task per 64 KiB chunk, several KB of garbage per video frame).
/// Here one thread does the blocking reads straight into the caller's buffer and completes a reusable
/// <see cref="IValueTaskSource{TResult}"/>, so a whole frame costs no allocations.
/// </remarks>
internal sealed class BlockingPipeReader : IValueTaskSource<int>, IDisposable
{
    private readonly Stream _stream;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _request = new(0, 1);
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };
    private Memory<byte> _target;
    private volatile bool _stopping;

    public BlockingPipeReader(Stream stream, string threadName)
    {
        _stream = stream;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>
    /// Fills <paramref name="target"/> completely unless the stream ends first; returns the bytes read
    /// (less than the length only at the end of the stream). One read at a time.
    /// </summary>
    public ValueTask<int> ReadExactlyOrToEndAsync(Memory<byte> target)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _core.Reset();
        _target = target;
        _request.Release();
        return new ValueTask<int>(this, _core.Version);
    }

    private void Run()
    {
        while (!_stopping)
        {
            _request.Wait();
            if (_stopping) return;
            try
            {
                var span = _target.Span;
                var total = 0;
                while (total < span.Length)
                {
                    var n = _stream.Read(span[total..]);
                    if (n == 0) break;
                    total += n;
                }
                _target = default;
                _core.SetResult(total);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The process was killed or the pipe closed under us: report the failure to the awaiting reader.
                _target = default;
                _core.SetException(e);
            }
        }
    }

    /// <summary>Stops the thread. Close the pipe (or kill its writer) first, or a blocked read keeps the thread alive.</summary>
    public void Dispose()
    {
        if (_stopping) return;
        _stopping = true;
        try
        {
            _request.Release();
        }
        catch (SemaphoreFullException)
        {
            // A read request is pending; the thread sees _stopping after it.
        }
        _thread.Join(TimeSpan.FromSeconds(5));
        _request.Dispose();
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
