using System.Diagnostics;
using System.Text;

namespace Synthstage.Media;

/// <summary>
/// Collects a process's stderr lines up to a fixed number of characters, so a tool that floods
/// stderr (a damaged file can yield one error per packet) cannot grow memory without bound.
/// </summary>
internal sealed class BoundedTextLog
{
    private readonly int _maxChars;
    private readonly StringBuilder _text = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _droppedLines;

    public BoundedTextLog(int maxChars = 16 * 1024) => _maxChars = maxChars;

    /// <summary>Completes when the stream has been read to its end.</summary>
    public Task Closed => _closed.Task;

    /// <summary>
    /// Waits (at most 5 s) for the rest of stderr after the process has exited. A grandchild that inherited the
    /// pipe could keep it open forever; the log is then just incomplete.
    /// </summary>
    public async Task WaitClosedAsync(CancellationToken ct)
    {
        try
        {
            await _closed.Task.WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Keep what arrived; see the summary.
        }
    }

    /// <summary>Subscribes to <paramref name="process"/>'s stderr; call before <c>BeginErrorReadLine</c>.</summary>
    public void Attach(Process process) => process.ErrorDataReceived += (_, e) =>
    {
        if (e.Data is null) _closed.TrySetResult();
        else Append(e.Data);
    };

    public void Append(string line)
    {
        lock (_text)
        {
            if (_text.Length + line.Length + 1 > _maxChars) { _droppedLines++; return; }
            _text.Append(line).Append('\n');
        }
    }

    /// <summary>All kept lines, plus a note of how many were dropped.</summary>
    public override string ToString()
    {
        lock (_text)
            return _droppedLines == 0 ? _text.ToString() : $"{_text}... ({_droppedLines} more lines)\n";
    }

    /// <summary>The first non-blank line, cleaned for users (<see cref="FfmpegTools.CleanMessage"/>), or an empty string.</summary>
    public string FirstLine()
    {
        lock (_text)
            return FfmpegTools.CleanMessage(_text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault() ?? "");
    }
}
