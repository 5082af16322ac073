using System.ComponentModel;
using System.Diagnostics;
using Synthstage.Models;

namespace Synthstage.Tests;

/// <summary>
/// The one place that decides whether a failed fetch of a pinned npm package may skip a test. It may when npm is not
/// installed or the registry cannot be reached; it may not when the registry answered: "no matching version"
/// (ETARGET) or "not found" (E404) for a pinned package means the pin is wrong, a defect the test must report. Any
/// other npm failure counts as the registry being unreachable only if the registry does not answer a ping either.
/// </summary>
public static class NpmRegistry
{
    // npm's own words for a registry that answered and has no such version or package (see NpmPackageFetcher's summary line).
    private static readonly string[] AnsweredNoSuchPackage = ["No matching version found", "404 Not Found", "E404", "ETARGET", "notarget"];

    private static readonly Lazy<bool> Reachable = new(PingRegistry);

    /// <summary>True when <paramref name="message"/> (a <see cref="SynthstageException"/>'s, or the CLI's stderr) is an
    /// npm failure that comes from this machine having no npm or no registry, rather than from the package or its pin.</summary>
    public static bool IsUnavailable(string message)
    {
        if (message.Contains("npm is needed", StringComparison.Ordinal) || message.Contains("npm could not be started", StringComparison.Ordinal)) return true;
        if (!message.Contains("npm pack ", StringComparison.Ordinal)) return false; // not npm's failure: a hash, a missing file, the disk
        if (AnsweredNoSuchPackage.Any(words => message.Contains(words, StringComparison.Ordinal))) return false;
        return !Reachable.Value;
    }

    /// <summary>
    /// Fetches files of a pinned package (see <see cref="NpmPackageFetcher.FetchAsync"/>), skipping the test when npm or
    /// its registry is unavailable here; a wrong pin, a wrong hash or a missing file fails it.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FetchOrSkipAsync(string package, string version, string folder, IReadOnlyList<NpmPackageFile> files)
    {
        try
        {
            return await NpmPackageFetcher.FetchAsync(package, version, folder, files, TestContext.Current.CancellationToken);
        }
        catch (SynthstageException e) when (IsUnavailable(e.Message))
        {
            Assert.Skip($"could not fetch {package}@{version} with npm here (no npm, or the registry is unreachable): {e.Message}");
            throw;
        }
    }

    /// <summary>Whether the configured registry answers <c>npm ping</c>, asked once per test run and without retries.</summary>
    private static bool PingRegistry()
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "npm.cmd" : "npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ping", "--fetch-retries=0", "--fetch-timeout=20000", "--loglevel=error" }) start.ArgumentList.Add(arg);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return false;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            Task.WaitAll(stdout, stderr);
            return process.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            return false;
        }
    }
}
