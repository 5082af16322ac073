using System.Text.Json.Nodes;
using Synthstage.Tests.Video;

namespace Synthstage.Tests.Cli;

/// <summary><c>synthstage verify</c> shows the manifest once when the sidecar and the embedded copy agree.</summary>
public sealed class VerifyOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-cli-verify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] ManifestLines(string stdout) => stdout.Split('\n').Where(l => l.StartsWith("manifest", StringComparison.Ordinal)).ToArray();

    private async Task<string> CompositeAsync()
    {
        SharedData.RequireFfmpeg();
        await TestModels.RequireSelfieStoreAsync();
        var still = Path.Combine(_dir, "still.png");
        await KeyingJobTests.RunFfmpegAsync("-i", SharedData.Require("footage/coffee.mp4"), "-frames:v", "1", still);
        var output = Path.Combine(_dir, "out.png");
        var (code, _, stderr) = await CliProcess.RunAsync(null, "composite", still, "--background", "#102030", "-o", output);
        Assert.True(code == 0, stderr);
        return output;
    }

    [Fact]
    public async Task AgreeingCopiesArePrintedOnce()
    {
        var output = await CompositeAsync();
        var (code, stdout, stderr) = await CliProcess.RunAsync(null, "verify", output);
        Assert.True(code == 0, stderr + stdout);
        var line = Assert.Single(ManifestLines(stdout));
        Assert.StartsWith($"manifest: sidecar {output}.manifest.json and the embedded copy agree: signature valid", line);
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("  made by ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChangedSidecarIsShownBesideTheEmbeddedCopy()
    {
        var output = await CompositeAsync();
        var sidecar = output + ".manifest.json";
        var json = JsonNode.Parse(await File.ReadAllTextAsync(sidecar, TestContext.Current.CancellationToken))!;
        json["label"] = "edited";
        await File.WriteAllTextAsync(sidecar, json.ToJsonString(), TestContext.Current.CancellationToken);
        var (code, stdout, _) = await CliProcess.RunAsync(null, "verify", output);
        Assert.Equal(6, code);
        var lines = ManifestLines(stdout);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith($"manifest: sidecar {sidecar}: ", lines[0]);
        Assert.StartsWith("manifest: embedded: signature valid", lines[1]);
    }
}
