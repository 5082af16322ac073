using System.Diagnostics;

namespace Synthstage.Media;

/// <summary>
/// One running ffmpeg or ffprobe child process: stdin and stdout redirected as asked, stderr always captured into a
/// bounded log, killed together with its children on cancellation or disposal. Every ffmpeg the library starts (the
/// frame reader, the frame writer, the audio reader, one-shot runs through <see cref="FfmpegTools.RunAsync"/>) goes
/// through this type, so starting, error capture, killing and waiting behave the same everywhere.
/// </summary>
/// <remarks>Disposal kills a process that is still running, waits up to 10 s for it and releases it; it never throws.</remarks>
internal sealed class FfmpegProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly BoundedTextLog _log;
    private bool _disposed;

    private FfmpegProcess(Process process, BoundedTextLog log)
    {
        _process = process;
        _log = log;
    }

    /// <summary>Starts <paramref name="executable"/> and begins collecting its stderr.</summary>
    /// <param name="executable">Full path of the program, e.g. <see cref="FfmpegTools.FfmpegPath"/>.</param>
    /// <param name="arguments">Arguments passed verbatim, one per element (no shell quoting).</param>
    /// <param name="redirectInput">Give the caller the process's stdin (<see cref="StandardInput"/>).</param>
    /// <param name="redirectOutput">Give the caller the process's stdout (<see cref="StandardOutput"/>).</param>
    /// <param name="logChars">Characters of stderr kept; later lines are counted, not stored.</param>
    /// <exception cref="SynthstageException">The program cannot be started (<see cref="ExitCodes.Failure"/>).</exception>
    public static FfmpegProcess Start(string executable, IReadOnlyList<string> arguments, bool redirectInput, bool redirectOutput,
        int logChars = 16 * 1024)
    {
        var process = FfmpegTools.Start(executable, arguments, redirectInput, redirectOutput);
        var log = new BoundedTextLog(logChars);
        log.Attach(process);
        process.BeginErrorReadLine();
        return new FfmpegProcess(process, log);
    }

    /// <summary>The process's stdin; only when started with <c>redirectInput</c>.</summary>
    public Stream StandardInput => _process.StandardInput.BaseStream;

    /// <summary>The process's stdout as bytes; only when started with <c>redirectOutput</c>.</summary>
    public Stream StandardOutput => _process.StandardOutput.BaseStream;

    /// <summary>The process's stdout as UTF-8 text; only when started with <c>redirectOutput</c>.</summary>
    public StreamReader StandardOutputText => _process.StandardOutput;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; valid after <see cref="WaitForExitAsync"/> has completed.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>The stderr kept so far (see <see cref="BoundedTextLog"/>).</summary>
    public string ErrorLog => _log.ToString();

    /// <summary>The first non-blank stderr line, cleaned for users, or an empty string.</summary>
    public string FirstErrorLine => _log.FirstLine();

    /// <summary>True when stderr says the disk is full or the output is not writable: a <see cref="ExitCodes.BadOutput"/> failure.</summary>
    public bool FailedOnOutput => ErrorLog.Contains("No space left", StringComparison.OrdinalIgnoreCase)
        || ErrorLog.Contains("Permission denied", StringComparison.OrdinalIgnoreCase);

    /// <summary>Waits for the process to exit and then (at most 5 s more) for the rest of its stderr.</summary>
    /// <param name="ct">Stops waiting; does not kill the process (use <see cref="KillOnCancel"/> for that).</param>
    public async Task WaitForExitAsync(CancellationToken ct)
    {
        await _process.WaitForExitAsync(ct).ConfigureAwait(false);
        await _log.WaitClosedAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Kills the process and its children; does nothing when it has already exited.</summary>
    public void Kill() => FfmpegTools.KillTree(_process);

    /// <summary>Kills the process when <paramref name="ct"/> is cancelled, until the returned registration is disposed.</summary>
    /// <remarks>Killing breaks a read or write blocked on the process's pipes, which is how cancellation reaches them.</remarks>
    public CancellationTokenRegistration KillOnCancel(CancellationToken ct) => ct.UnsafeRegister(static p => ((FfmpegProcess)p!).Kill(), this);

    /// <summary>Kills the process if it still runs, waits for it (at most 10 s) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A process that ignores SIGKILL for 10 s is stuck in the kernel; do not hang the caller on it.
        }
        _process.Dispose();
    }
}
