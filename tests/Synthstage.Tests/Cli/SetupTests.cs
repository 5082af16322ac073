using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Synthstage.Tests.Cli;

/// <summary>
/// First-run set-up on a machine without ffmpeg: the <c>./synthstage</c> script installs it with apt-get (Debian/Ubuntu,
/// as root) and the CLI names the install command. A fake <c>apt-get</c> on an otherwise empty PATH stands in for the
/// machine; it records its arguments and never installs anything.
/// </summary>
public sealed partial class SetupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-setup-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    /// <summary>A folder holding only an apt-get that logs its arguments and fails the install (so nothing is built).</summary>
    private string FakeAptGet()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_dir, "bin")).FullName;
        var script = Path.Combine(bin, "apt-get");
        File.WriteAllText(script, "#!/bin/bash\necho \"$*\" >> \"${0%/*}/calls\"\n[[ $1 == update ]]\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return bin;
    }

    private static async Task<(int Code, string Stderr)> RunAsync(string executable, string path, params string[] args)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment.Clear();
        info.Environment["PATH"] = path;
        info.Environment["HOME"] = Path.GetTempPath();
        using var p = Process.Start(info)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (p.ExitCode, await stderr);
    }

    [Fact]
    public async Task TheScriptInstallsFfmpegAndNpmWithAptGetWhenTheyAreMissing()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/bin/bash")) Assert.Skip("the script's apt-get path is for Debian/Ubuntu");
        var bin = FakeAptGet();
        var (code, stderr) = await RunAsync("/bin/bash", bin, Path.Combine(SharedData.RepositoryRoot, "synthstage"), "--help");
        Assert.Equal(1, code);
        var calls = Path.Combine(bin, "calls");
        if (GetEffectiveUserId() == 0)
        {
            Assert.Equal(["update -qq", "install -y -qq ffmpeg npm"], File.ReadAllLines(calls));
            Assert.Equal("synthstage: apt-get failed; run: apt-get install -y ffmpeg npm", stderr.TrimEnd().Split('\n')[^1]);
        }
        else
        {
            // Not root and nobody to answer sudo's question: stop with the one command.
            Assert.False(File.Exists(calls));
            Assert.Equal("synthstage needs ffmpeg ffprobe npm; install: sudo apt-get install -y ffmpeg npm", stderr.TrimEnd());
        }
    }

    [GeneratedRegex(@"^error: ff(mpeg|probe) not found on PATH \(or SYNTHSTAGE_FF(MPEG|PROBE)\); install it: sudo apt-get install -y ffmpeg$")]
    private static partial Regex MissingFfmpegLine();

    [Fact]
    public async Task TheCliNamesTheInstallCommandWhenFfmpegIsMissing()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("the apt-get suggestion is for Linux");
        await TestModels.RequireSelfieStoreAsync();
        var still = Path.Combine(_dir, "still.png");
        File.WriteAllBytes(still, [0x89, (byte)'P', (byte)'N', (byte)'G']);
        // The CLI's host is found before PATH is replaced; the child then sees only the fake apt-get folder.
        var info = CliProcess.StartInfo(new Dictionary<string, string> { ["PATH"] = FakeAptGet() }, ["composite", still, "-b", "#102030", "-o", Path.Combine(_dir, "out.png")]);
        if (!Path.IsPathRooted(info.FileName)) Assert.Skip("dotnet is not on PATH");
        info.Environment.Remove("SYNTHSTAGE_FFMPEG");
        info.Environment.Remove("SYNTHSTAGE_FFPROBE");
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await p.WaitForExitAsync(TestContext.Current.CancellationToken);
        var text = (await stderr).TrimEnd();
        Assert.Equal(1, p.ExitCode);
        Assert.Matches(MissingFfmpegLine(), text);
    }
}
