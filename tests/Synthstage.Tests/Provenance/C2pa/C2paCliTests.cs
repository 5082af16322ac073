using System.Text.Json.Nodes;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Tests.Provenance.C2pa;

/// <summary><c>verify</c> and the signing options as a user runs them (child process, real files).</summary>
public sealed class C2paCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-c2pa-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Home() => new() { ["SYNTHSTAGE_HOME"] = _dir };

    [Fact]
    public async Task VerifyNamesTheSignerAndSaysASelfMadeCredentialProvesIntegrityNotIdentity()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "gen.png");
        var options = new ProvenanceOptions { KeyStore = new SigningKeyStore(Path.Combine(_dir, "keys")) };
        await GeneratedImageProvenance.SaveAsync(new GeneratedImage(TestImages.Scene(256, 192, 4), 7, [new("prompt", "a beach")]), path, options,
            _dir, "test-model", null, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Home(), "verify", path);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("content credentials (C2PA), embedded (PNG caBX chunk)", stdout);
        Assert.Contains("signature: valid (ES256)", stdout);
        Assert.Contains("(this user's Synthstage credential)", stdout);
        Assert.Contains("binding (c2pa.hash.data): matches", stdout);
        Assert.Contains("action c2pa.created [trainedAlgorithmicMedia]", stdout);
        Assert.Contains("proves integrity (the file is as signed), not identity", stdout);

        (code, stdout, _) = await CliProcess.RunAsync(Home(), "verify", path, "--json");
        Assert.Equal(0, code);
        var manifest = JsonNode.Parse(stdout)!["credentials"]!["manifests"]![0]!;
        Assert.True(manifest["signatureValid"]!.GetValue<bool>());
        Assert.Equal("a beach", manifest["assertions"]!["org.synthstage.provenance"]!["prompts"]![0]!["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACertificateWithoutItsKeyIsAUsageError()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Home(), "upscale", "in.png", "-o", "out.png", "--sign-cert", "chain.pem");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--sign-cert and --sign-key go together", stderr);
    }
}
