using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Synthstage.Tests;

/// <summary>
/// A running CLI child whose stdout and stderr lines are collected as they arrive, so a test can wait for the line
/// that says the child got far enough (a progress count) instead of sleeping, then signal it as a terminal would.
/// </summary>
public sealed class CliChild : IDisposable
{
    /// <summary>How long a test waits for a line before it gives up: generous, for a loaded CI machine.</summary>
    public static readonly TimeSpan LineTimeout = TimeSpan.FromMinutes(5);

    public const int SigInt = 2;
    public const int SigKill = 9;

    private readonly Process _process;
    private readonly Lock _gate = new();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string?> Found)> _waiters = [];
    private bool _stderrEnded;

    internal CliChild(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_gate) _stdout.Add(line); };
        _process.ErrorDataReceived += (_, e) => OnStderr(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <summary>Everything written to stdout so far, one line per line.</summary>
    public string Stdout { get { lock (_gate) return string.Join('\n', _stdout); } }

    /// <summary>Everything written to stderr so far, one line per line.</summary>
    public string Stderr { get { lock (_gate) return string.Join('\n', _stderr); } }

    /// <summary>
    /// Waits for the first stderr line (already written or still to come) that <paramref name="match"/> accepts and returns
    /// it; null when stderr ends (the child exited) or <see cref="LineTimeout"/> passes without one.
    /// </summary>
    public async Task<string?> WaitForStderrLineAsync(Func<string, bool> match)
    {
        var found = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_stderr.FirstOrDefault(match) is { } line) return line;
            if (_stderrEnded) return null;
            _waiters.Add((match, found));
        }
        try
        {
            return await found.Task.WaitAsync(LineTimeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Sends a signal to the child (SIGINT as Ctrl+C in a terminal, SIGKILL as a crash).</summary>
    public void Signal(int signal) => Assert.True(Kill(_process.Id, signal) == 0, $"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");

    /// <summary>Waits for the child to exit and its output to be read to the end; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }

    private void OnStderr(string? line)
    {
        List<TaskCompletionSource<string?>> done = [];
        lock (_gate)
        {
            if (line is null) _stderrEnded = true;
            else _stderr.Add(line);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (line is not null && !_waiters[i].Match(line)) continue;
                done.Add(_waiters[i].Found);
                _waiters.RemoveAt(i);
            }
        }
        foreach (var waiter in done) waiter.TrySetResult(line);
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
