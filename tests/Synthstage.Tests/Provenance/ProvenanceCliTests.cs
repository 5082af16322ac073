using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Tests.Provenance;

/// <summary>The verify and keys commands as a user runs them (child process, real files).</summary>
public sealed class ProvenanceCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-prov-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Dictionary<string, string> Home() => new() { ["SYNTHSTAGE_HOME"] = _dir };

    [Fact]
    public async Task KeysExportPrintsTheSameSigningCertificateEveryTime()
    {
        var (code, first, _) = await CliProcess.RunAsync(Home(), "keys", "export");
        Assert.Equal(0, code);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", first);
        var (_, second, _) = await CliProcess.RunAsync(Home(), "keys", "export");
        Assert.Equal(first, second);
        using var credential = new Synthstage.Provenance.C2pa.C2paCredentialStore(Path.Combine(_dir, "keys")).GetOrCreate();
        Assert.Equal(first.Trim(), credential.Signer.ExportCertificatePem().Trim());
    }

    [Fact]
    public async Task VerifyOfAPlainImageSaysThereIsNothingAndExitsZero()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "plain.png");
        new Synthstage.Diffusion.Pipelines.GeneratedImage(TestImages.Scene(256, 192, 3), 1, []).SavePng(path);
        var (code, stdout, stderr) = await CliProcess.RunAsync(Home(), "verify", path);
        Assert.True(code == 0, stderr);
        Assert.Contains("manifest: none", stdout);
        Assert.Contains("watermark: not found", stdout);
        Assert.Contains("verdict: no Synthstage provenance", stdout);
    }

    [Fact]
    public async Task VerifyOfAMarkedImageWithAnEditedOlderSidecarExits6()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "gen.png");
        var image = new Synthstage.Diffusion.Pipelines.GeneratedImage(TestImages.Scene(512, 384, 4), 7, [new("prompt", "a beach")]);
        var options = new ProvenanceOptions { KeyStore = new SigningKeyStore(Path.Combine(_dir, "keys")) };
        var written = await GeneratedImageProvenance.SaveAsync(image, path, options, _dir, "test-model", null, TestContext.Current.CancellationToken);
        Assert.NotNull(written);
        Assert.True(written.Embedded);

        var (code, stdout, stderr) = await CliProcess.RunAsync(Home(), "verify", path);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("signature: valid (ES256)", stdout);
        Assert.Contains("(this user's Synthstage credential)", stdout);
        Assert.Contains($"payload {written.ContentId[..8]} (matches the manifest)", stdout);
        Assert.Contains("prompt (image): a beach", stdout);

        var ct = TestContext.Current.CancellationToken;
        var record = (await ProvenanceVerifier.VerifyAsync(path, options.KeyStore, ct: ct)).TrustedManifest!;
        var sidecar = Synthstage.Tests.Provenance.C2pa.C2paRecord.WriteLegacySidecar(path, record, options.KeyStore!);
        await File.WriteAllTextAsync(sidecar, (await File.ReadAllTextAsync(sidecar, ct)).Replace("a beach", "a forest", StringComparison.Ordinal), ct);
        (code, stdout, _) = await CliProcess.RunAsync(Home(), "verify", path);
        Assert.Equal(VerifyExitCodes.ManifestTampered, code);
        Assert.Contains("the file's manifest was changed after signing", stdout);
    }

    [Fact]
    public async Task VerifyOfAMissingFileIsOneLineAndExitCode3()
    {
        var (code, _, stderr) = await CliProcess.RunAsync(Home(), "verify", Path.Combine(_dir, "nope.mp4"));
        Assert.Equal(3, code);
        Assert.StartsWith("error: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }
}
