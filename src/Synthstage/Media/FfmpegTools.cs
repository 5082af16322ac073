using System.Diagnostics;
using System.Globalization;

namespace Synthstage.Media;

/// <summary>
/// Locates the ffmpeg and ffprobe executables and runs them to completion (<see cref="RunAsync"/>) as child processes
/// that die with cancellation. Long-running children (frame and audio pipes) are <see cref="FfmpegProcess"/>es.
/// </summary>
/// <remarks>
/// The environment variables <c>SYNTHSTAGE_FFMPEG</c> and <c>SYNTHSTAGE_FFPROBE</c> may name the
/// executables explicitly; otherwise they are searched on <c>PATH</c>. A missing tool is not cached,
/// so installing it while the process runs works.
/// </remarks>
public static class FfmpegTools
{
    /// <summary>The full path of the ffmpeg executable.</summary>
    /// <exception cref="SynthstageException">ffmpeg is not installed (exit code <see cref="ExitCodes.Failure"/>).</exception>
    public static string FfmpegPath => Locate("ffmpeg", "SYNTHSTAGE_FFMPEG");

    /// <summary>The full path of the ffprobe executable.</summary>
    /// <exception cref="SynthstageException">ffprobe is not installed (exit code <see cref="ExitCodes.Failure"/>).</exception>
    public static string FfprobePath => Locate("ffprobe", "SYNTHSTAGE_FFPROBE");

    /// <summary>True when both ffmpeg and ffprobe can be found.</summary>
    public static bool IsAvailable => Find("ffmpeg", "SYNTHSTAGE_FFMPEG") is not null && Find("ffprobe", "SYNTHSTAGE_FFPROBE") is not null;

    /// <summary>
    /// The version of the ffmpeg found (major.minor, e.g. 5.1), read once from <c>ffmpeg -version</c>;
    /// 0.0 when it cannot be parsed (git builds print a commit instead of a number).
    /// </summary>
    /// <exception cref="SynthstageException">ffmpeg is not installed.</exception>
    public static Version FfmpegVersion
    {
        get
        {
            var path = FfmpegPath;
            lock (VersionLock)
            {
                if (s_versionOf != path)
                {
                    s_version = ReadVersion(path);
                    s_versionOf = path;
                }
                return s_version;
            }
        }
    }

    private static readonly Lock VersionLock = new();
    private static string? s_versionOf;
    private static Version s_version = new(0, 0);

    private static Version ReadVersion(string ffmpeg)
    {
        var process = FfmpegProcess.Start(ffmpeg, ["-hide_banner", "-version"], redirectInput: false, redirectOutput: true);
        string firstLine;
        try
        {
            firstLine = process.StandardOutputText.ReadLine() ?? "";
            process.StandardOutputText.ReadToEnd();
        }
        finally
        {
            // Read to the end above, so ffmpeg has exited or is about to: disposing only reaps it.
            process.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        // "ffmpeg version 5.1.9-0+deb12u1 Copyright ..." or "ffmpeg version n6.1 ..."
        return ParseVersion(firstLine.Replace("ffmpeg version ", "", StringComparison.Ordinal));
    }

    /// <summary>
    /// Records the version ffprobe reported while probing (<c>-show_program_version</c>), so the frame reader need not
    /// start <c>ffmpeg -version</c>: taken for ffmpeg when both tools come from one folder, as distributions ship them.
    /// </summary>
    /// <param name="ffprobeVersion">ffprobe's version string, e.g. <c>5.1.9-0+deb12u1</c> or <c>n6.1</c>.</param>
    internal static void NoteProbedVersion(string ffprobeVersion)
    {
        string ffmpeg, ffprobe;
        try
        {
            (ffmpeg, ffprobe) = (FfmpegPath, FfprobePath);
        }
        catch (SynthstageException)
        {
            return;
        }
        if (Path.GetDirectoryName(ffmpeg) != Path.GetDirectoryName(ffprobe)) return;
        lock (VersionLock)
        {
            if (s_versionOf == ffmpeg) return;
            s_version = ParseVersion(ffprobeVersion);
            s_versionOf = ffmpeg;
        }
    }

    /// <summary>major.minor at the start of a version string (after an optional <c>n</c>); 0.0 for git builds.</summary>
    private static Version ParseVersion(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^n?(\d+)\.(\d+)");
        return match.Success
            ? new Version(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : new Version(0, 0);
    }

    /// <summary>
    /// Runs <paramref name="executable"/> to completion and returns its exit code and output.
    /// Cancellation kills the whole process tree and then throws <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="executable">Full path or name of the program, e.g. <see cref="FfmpegPath"/>.</param>
    /// <param name="arguments">Arguments passed verbatim, one per element (no shell quoting).</param>
    /// <param name="ct">Cancels the run and kills the process.</param>
    /// <returns>The exit code, the whole stdout and stderr truncated to 64 KiB; a non-zero exit code is not an exception.</returns>
    public static async Task<ToolRunResult> RunAsync(string executable, IReadOnlyList<string> arguments, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        await using var process = FfmpegProcess.Start(executable, arguments, redirectInput: false, redirectOutput: true, logChars: 64 * 1024);
        await using var killOnCancel = process.KillOnCancel(ct).ConfigureAwait(false);
        try
        {
            var stdout = await process.StandardOutputText.ReadToEndAsync(ct).ConfigureAwait(false);
            await process.WaitForExitAsync(ct).ConfigureAwait(false);
            return new ToolRunResult(process.ExitCode, stdout, process.ErrorLog);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
    }

    /// <summary>Kills <paramref name="process"/> and its children; does nothing when it has already exited.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // The process exited between the check and the kill, or was never started: nothing to kill.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Access denied on an exiting process; it is going away anyway.
        }
    }

    /// <summary>Starts a process with stderr redirected (the caller must attach a reader) and stdin/stdout as asked.</summary>
    internal static Process Start(string executable, IReadOnlyList<string> arguments, bool redirectInput, bool redirectOutput)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = redirectOutput,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        var process = new Process { StartInfo = info };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            process.Dispose();
            throw new SynthstageException($"cannot start {Path.GetFileName(executable)}: {e.Message}", ExitCodes.Failure, e);
        }
        return process;
    }

    /// <summary>
    /// Makes an ffmpeg log line readable for users: drops the "[h264 @ 0x55d…]" context prefix and the
    /// "file:" URL prefix this code adds to paths.
    /// </summary>
    internal static string CleanMessage(string line)
    {
        line = System.Text.RegularExpressions.Regex.Replace(line, @"^\[[^\]]*@ 0x[0-9a-fA-F]+\]\s*", "");
        return line.Replace("file:/", "/", StringComparison.Ordinal).Trim();
    }

    /// <summary>
    /// A file path as an ffmpeg URL: absolute and prefixed with <c>file:</c>, so names with a colon or a
    /// leading dash are never read as protocols or options.
    /// </summary>
    internal static string FileUrl(string path) => "file:" + Path.GetFullPath(path);

    /// <summary>
    /// A frame rate as ffmpeg expects it: an exact NTSC rational (30000/1001) when the value is one,
    /// else an integer or a round-trip decimal.
    /// </summary>
    internal static string FormatRate(double fps)
    {
        foreach (var denominator in (ReadOnlySpan<int>)[1, 1001])
        {
            var numerator = Math.Round(fps * denominator);
            if (numerator > 0 && Math.Abs(numerator / denominator - fps) < 1e-6 * fps)
                return denominator == 1
                    ? ((long)numerator).ToString(CultureInfo.InvariantCulture)
                    : $"{(long)numerator}/{denominator}";
        }
        return fps.ToString("R", CultureInfo.InvariantCulture);
    }

    private static string Locate(string tool, string variable) =>
        Find(tool, variable) ?? throw new SynthstageException(
            $"{tool} not found on PATH (or {variable}); install it: {InstallCommand}", ExitCodes.Failure);

    /// <summary>
    /// The one command that installs ffmpeg and ffprobe on this system, the same the <c>./synthstage</c> script
    /// suggests: apt-get on Debian/Ubuntu, dnf on Fedora, brew on macOS, winget on Windows.
    /// </summary>
    public static string InstallCommand =>
        OperatingSystem.IsMacOS() ? "brew install ffmpeg"
        : OperatingSystem.IsWindows() ? "winget install --id Gyan.FFmpeg -e"
        : Find("apt-get", null) is not null ? "sudo apt-get install -y ffmpeg"
        : Find("dnf", null) is not null ? "sudo dnf install -y ffmpeg"
        : "your package manager's ffmpeg package (it provides ffprobe too)";

    private static string? Find(string tool, string? variable)
    {
        var explicitPath = variable is null ? null : Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
            return File.Exists(explicitPath) ? Path.GetFullPath(explicitPath) : null;
        var names = OperatingSystem.IsWindows() ? new[] { tool + ".exe" } : [tool];
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(dir, name);
                if (File.Exists(candidate)) return candidate;
            }
        return null;
    }
}
