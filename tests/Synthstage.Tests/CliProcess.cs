using System.Diagnostics;

namespace Synthstage.Tests;

/// <summary>
/// The one way tests start the real synthstage CLI (Synthstage.Cli.dll beside the test binary) as a child process: in
/// the <see cref="TestEnvironment"/> (test cache as SYNTHSTAGE_HOME, no Hugging Face token or Hub settings of the
/// developer's), with a test's own variables on top.
/// </summary>
public static class CliProcess
{
    /// <summary>The dotnet host: the one running the tests when the SDK names it, else the first on PATH.</summary>
    private static string DotnetHost { get; } = FindDotnetHost();

    /// <summary>
    /// The start info of <c>synthstage <paramref name="args"/></c>, output redirected. <paramref name="env"/> is set after
    /// the test environment, so a test may point SYNTHSTAGE_HOME or the Hub variables elsewhere.
    /// </summary>
    public static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string>? env, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Synthstage.Cli.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        TestEnvironment.ApplyTo(info.Environment);
        foreach (var (name, value) in env ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return info;
    }

    /// <summary>Runs the CLI to the end and returns its exit code and output.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        using var p = Process.Start(StartInfo(env, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the CLI and returns it running, its output read line by line as it comes.</summary>
    public static CliChild Start(IReadOnlyDictionary<string, string>? env, params string[] args) => new(StartInfo(env, args));

    private static string FindDotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        var name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists) ?? name;
    }
}
