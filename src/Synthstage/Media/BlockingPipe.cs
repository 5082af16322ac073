using System.Threading.Tasks.Sources;

namespace Synthstage.Media;

/// <summary>
/// Moves whole frames through a blocking pipe stream (a child process's stdin or stdout) on a dedicated thread and
/// hands completion to async callers without allocating per frame.
/// </summary>
/// <remarks>
/// .NET reads and writes the anonymous pipes of <see cref="System.Diagnostics.Process"/> synchronously; their
/// <c>ReadAsync</c>/<c>WriteAsync</c> fall back to queueing one blocking call per request on the thread pool (a task
/// per 64 KiB chunk, several KB of garbage per video frame, and a pool thread blocked while ffmpeg is busy).
/// Here one thread does the blocking calls straight on the caller's buffer and completes a reusable
/// <see cref="IValueTaskSource{TResult}"/>. One operation at a time; the caller must not touch the buffer until it completes.
/// </remarks>
internal sealed class BlockingPipe : IValueTaskSource<int>, IDisposable
{
    private readonly Stream _stream;
    private readonly Thread _thread;
    private readonly SemaphoreSlim _request = new(0, 1);
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };
    private Memory<byte> _readTarget;
    private ReadOnlyMemory<byte> _writeSource;
    private bool _isWrite;
    private volatile bool _stopping;

    public BlockingPipe(Stream stream, string threadName)
    {
        _stream = stream;
        _thread = new Thread(Run) { IsBackground = true, Name = threadName };
        _thread.Start();
    }

    /// <summary>
    /// Fills <paramref name="target"/> completely unless the stream ends first; returns the bytes read
    /// (less than the length only at the end of the stream).
    /// </summary>
    public ValueTask<int> ReadExactlyOrToEndAsync(Memory<byte> target)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _core.Reset();
        (_readTarget, _isWrite) = (target, false);
        _request.Release();
        return new ValueTask<int>(this, _core.Version);
    }

    /// <summary>Writes all of <paramref name="source"/>; completes with its length, or faults with the pipe's <see cref="IOException"/>.</summary>
    public ValueTask<int> WriteAllAsync(ReadOnlyMemory<byte> source)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        _core.Reset();
        (_writeSource, _isWrite) = (source, true);
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
                int done;
                if (_isWrite)
                {
                    _stream.Write(_writeSource.Span);
                    done = _writeSource.Length;
                }
                else
                {
                    var span = _readTarget.Span;
                    done = 0;
                    while (done < span.Length)
                    {
                        var n = _stream.Read(span[done..]);
                        if (n == 0) break;
                        done += n;
                    }
                }
                (_readTarget, _writeSource) = (default, default);
                _core.SetResult(done);
            }
            catch (Exception e)
            {
                // Forwarded, not swallowed: the awaiting caller gets every failure (typically an IOException when the
                // process was killed); letting it escape would crash the process from this background thread.
                (_readTarget, _writeSource) = (default, default);
                _core.SetException(e);
            }
        }
    }

    /// <summary>Stops the thread. Close the pipe or kill its process first, or a blocked call keeps the thread alive.</summary>
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
            // A request is pending; the thread sees _stopping after serving it.
        }
        _thread.Join(TimeSpan.FromSeconds(5));
    }

    int IValueTaskSource<int>.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
