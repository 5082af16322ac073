using System.Diagnostics;

namespace Synthstage.Bench;

/// <summary>
/// Runs a command to completion, timing it, sampling its peak resident memory (VmHWM) from /proc, and taking the CPU
/// time it and its descendants used from the kernel's account of waited-for children (<c>getrusage</c>).
/// </summary>
internal static partial class ChildProcess
{
    /// <param name="PeakBytes">High-water mark of the process itself (VmHWM).</param>
    /// <param name="PeakTreeBytes">Largest sampled sum of resident memory of the process and all its descendants (ffmpeg included).</param>
    /// <param name="CpuTime">User + system time of the process and every descendant it waited for (ffmpeg included).</param>
    public sealed record Outcome(TimeSpan Elapsed, long PeakBytes, long PeakTreeBytes, string StandardError, TimeSpan CpuTime);

    public static async Task<Outcome> RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        var cpuBefore = ChildrenCpuTime();
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        long peak = 0, peakTree = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadStatus(process.Id, "VmHWM:"));
            peakTree = Math.Max(peakTree, TreeResident(process.Id));
            await Task.Delay(20);
        }
        await process.WaitForExitAsync();
        clock.Stop();
        await stdout;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await stderr}");
        return new Outcome(clock.Elapsed, peak, Math.Max(peak, peakTree), await stderr, ChildrenCpuTime() - cpuBefore);
    }

    // RUSAGE_CHILDREN: every terminated child this process waited for, and their waited-for descendants. Runs are
    // sequential, so the difference around one run is that run's tree.
    private static TimeSpan ChildrenCpuTime()
    {
        if (!OperatingSystem.IsLinux()) return TimeSpan.Zero;
        Span<long> usage = stackalloc long[18];
        if (GetResourceUsage(-1, ref usage[0]) != 0) return TimeSpan.Zero;
        // struct rusage starts with ru_utime and ru_stime, each { long tv_sec; long tv_usec; } on 64-bit Linux.
        var microseconds = (usage[0] + usage[2]) * 1_000_000 + usage[1] + usage[3];
        return TimeSpan.FromMicroseconds(microseconds);
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "getrusage")]
    private static partial int GetResourceUsage(int who, ref long usage);

    private static long TreeResident(int pid)
    {
        var total = ReadStatus(pid, "VmRSS:");
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                foreach (var child in File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    total += TreeResident(int.Parse(child));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return total;
    }

    // VmHWM is the process's own high-water mark, so a late sample still sees an earlier peak.
    private static long ReadStatus(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return long.Parse(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }
}
