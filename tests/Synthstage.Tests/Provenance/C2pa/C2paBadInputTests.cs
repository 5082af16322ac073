using Synthstage.Diffusion.Pipelines;
using Synthstage.Provenance;
using Synthstage.Provenance.C2pa;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Tests.Provenance.C2pa;

/// <summary>Damaged, doubled and badly signed content credentials get an answer with a reason and an exit code, never an exception.</summary>
public sealed class C2paBadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-c2pa-bad-").FullName;
    private readonly SigningKeyStore _keys;

    public C2paBadInputTests() => _keys = new SigningKeyStore(Path.Combine(_dir, "keys"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ProvenanceManifest Manifest(string command = "generate") => new()
    {
        ContentId = "00112233445566778899aabbccddeeff",
        Tool = new ToolRecord("synthstage", "test"),
        Command = command,
        Watermark = new WatermarkRecord(false, null, "none", "test"),
    };

    private string Png(string name = "image.png")
    {
        var path = Path.Combine(_dir, name);
        new GeneratedImage(TestImages.Scene(96, 64, 5), 1, []).SavePng(path);
        return path;
    }

    private async Task<string> SignedPngAsync(C2paCredential credential)
    {
        var path = Png();
        await C2paSigner.SignAsync(path, Manifest(), credential, Ct);
        return path;
    }

    private C2paCredential Own() => new C2paCredentialStore(_keys.Folder).GetOrCreate();

    [Fact]
    public async Task ACorruptStoreIsUnreadableWithItsReason()
    {
        var path = await SignedPngAsync(Own());
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        var jumd = bytes.AsSpan().IndexOf("jumd"u8);
        bytes[jumd - 1] = 0xFF; // the description box now states more bytes than its superbox holds
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        var check = Assert.Single(report.Credentials.Manifests);
        Assert.False(check.Readable);
        Assert.Contains("corrupt or truncated", check.Problem);
        Assert.Equal(VerifyExitCodes.ManifestUnreadable, report.ExitCode);
    }

    [Fact]
    public async Task ATruncatedVideoStoreIsUnreadable()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "clip.mp4");
        var run = await FfmpegRun(["-f", "lavfi", "-i", "testsrc=size=160x96:rate=10", "-t", "1", "-c:v", "libx264", path]);
        Assert.True(run == 0);
        await C2paSigner.SignAsync(path, Manifest("composite"), Own(), Ct);
        await using (var stream = File.Open(path, FileMode.Open)) stream.SetLength(stream.Length - 200);

        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Contains("remain", report.Credentials.Problem);
        Assert.Equal(VerifyExitCodes.ManifestUnreadable, report.ExitCode);
    }

    [Fact]
    public async Task TwoStoresInOneFileAreReportedAndNotRelied()
    {
        var path = await SignedPngAsync(Own());
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        var start = bytes.AsSpan().IndexOf("caBX"u8) - 4;
        var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(start)) + 12;
        await File.WriteAllBytesAsync(path, [.. bytes[..(start + length)], .. bytes[start..(start + length)], .. bytes[(start + length)..]], Ct);

        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Equal(2, report.Credentials.Manifests.Count);
        Assert.True(report.Credentials.MultipleStores);
        Assert.Contains("2 C2PA manifest stores", report.Credentials.Problem);
        Assert.Equal(VerifyExitCodes.ManifestUnreadable, report.ExitCode);
    }

    [Fact]
    public async Task AnExpiredCertificateIsRefusedForSigningAndReportedWhenFound()
    {
        var now = DateTimeOffset.UtcNow;
        using var expired = C2paCredential.CreateSelfMade("expired", now.AddYears(-3), now.AddYears(-1));
        var refused = Assert.Throws<SynthstageException>(() => C2paCredentialCheck.EnsureUsable(expired));
        Assert.Contains("expired", refused.Message);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);

        var path = await SignedPngAsync(expired); // signed below the check, as an old file would have been
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        var check = Assert.Single(report.Credentials.Manifests);
        Assert.True(check.SignatureValid);
        Assert.Contains(check.Failures, f => f.Code == "signingCredential.expired");
        Assert.Equal(VerifyExitCodes.CredentialInvalid, report.ExitCode);

        var reference = await C2paReference.ReadAsync(path, "image/png");
        Assert.Contains("signingCredential.expired", reference.StatusCodes);
    }

    [Fact]
    public async Task ACertificateWithAnotherKeyIsRefused()
    {
        var now = DateTimeOffset.UtcNow;
        using var first = C2paCredential.CreateSelfMade("first", now.AddMinutes(-1), now.AddYears(1));
        using var second = C2paCredential.CreateSelfMade("second", now.AddMinutes(-1), now.AddYears(1));
        var certificate = Path.Combine(_dir, "first.pem");
        var key = Path.Combine(_dir, "second.key");
        await File.WriteAllTextAsync(certificate, first.Signer.ExportCertificatePem(), Ct);
        await File.WriteAllTextAsync(key, second.Key.ExportPkcs8PrivateKeyPem(), Ct);

        var refused = Assert.Throws<SynthstageException>(() => C2paCredential.Load(certificate, key));
        Assert.Contains("does not belong to the certificate", refused.Message);
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
    }

    [Fact]
    public async Task TheUsersOwnChainSignsWhenGiven()
    {
        var now = DateTimeOffset.UtcNow;
        using var own = C2paCredential.CreateSelfMade("Ada Example", now.AddMinutes(-1), now.AddYears(1));
        var certificate = Path.Combine(_dir, "chain.pem");
        var key = Path.Combine(_dir, "signer.key");
        await File.WriteAllTextAsync(certificate, string.Concat(own.Chain.Select(c => c.ExportCertificatePem() + "\n")), Ct);
        await File.WriteAllTextAsync(key, own.Key.ExportPkcs8PrivateKeyPem(), Ct);
        var path = Png();
        var options = new ProvenanceOptions { KeyStore = _keys, SigningCredential = new C2paCredentialFiles(certificate, key), Watermark = false };
        await ProvenanceWriter.WriteAsync(path, OutputStamp.Create(options, 96, 64, 3), new ProvenanceRecord("generate"), Ct);

        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        var check = Assert.Single(report.Credentials.Manifests);
        Assert.True(check.Intact);
        Assert.Contains("Ada Example", check.Signer!.Subject);
        Assert.False(check.Signer.ThisUsersCredential);
        Assert.False(File.Exists(Path.Combine(_keys.Folder, C2paCredentialStore.KeyFileName))); // no self-made credential was needed
    }

    [Fact]
    public void TheSelfMadeKeyIsPrivateToTheUser()
    {
        Own().Dispose();
        if (OperatingSystem.IsWindows()) Assert.Skip("Unix file modes");
        else Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_keys.Folder, C2paCredentialStore.KeyFileName)));
    }

    [Fact]
    public async Task APngSequenceGetsASidecarBoundToEveryFrame()
    {
        var folder = Path.Combine(_dir, "frames");
        Directory.CreateDirectory(folder);
        for (var i = 1; i <= 3; i++) new GeneratedImage(TestImages.Scene(48, 32, i), 1, []).SavePng(Path.Combine(folder, $"frame_{i:D4}.png"));
        var written = await C2paSigner.SignAsync(folder, Manifest("composite"), Own(), Ct);
        Assert.False(written.Embedded);
        Assert.Equal(folder + ".c2pa", written.Path);

        var report = await ProvenanceVerifier.VerifyAsync(folder, _keys, ct: Ct);
        Assert.True(Assert.Single(report.Credentials.Manifests).Intact);
        Assert.Equal(0, report.ExitCode);

        new GeneratedImage(TestImages.Scene(48, 32, 9), 1, []).SavePng(Path.Combine(folder, "frame_0002.png"));
        report = await ProvenanceVerifier.VerifyAsync(folder, _keys, ct: Ct);
        Assert.Contains("frame_0002.png", Assert.Single(report.Credentials.Manifests).Binding.Detail);
        Assert.Equal(VerifyExitCodes.FileChanged, report.ExitCode);
    }

    [Fact]
    public async Task AContainerWithoutAnEmbeddingIsSaidSoAndNotDecodableIsBadInput()
    {
        var path = Path.Combine(_dir, "notes.txt");
        await File.WriteAllTextAsync(path, "not a picture", Ct);
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Null(report.Credentials.Container);
        Assert.Empty(report.Credentials.Manifests);
        Assert.Equal(ExitCodes.BadInput, report.ExitCode);
    }

    [Fact]
    public async Task SigningAFileThatIsNotWhatItsNameSaysLeavesItUntouched()
    {
        var path = Path.Combine(_dir, "fake.mp4");
        await File.WriteAllTextAsync(path, "not a video", Ct);
        var error = await Assert.ThrowsAsync<SynthstageException>(() => C2paSigner.SignAsync(path, Manifest(), Own(), Ct));
        Assert.Contains("cannot sign", error.Message);
        Assert.Equal("not a video", await File.ReadAllTextAsync(path, Ct));
        Assert.Equal(["fake.mp4"], Directory.EnumerateFiles(_dir).Select(f => Path.GetFileName(f)!).ToArray());
    }

    private static async Task<int> FfmpegRun(string[] args)
    {
        var result = await Synthstage.Media.FfmpegTools.RunAsync(Synthstage.Media.FfmpegTools.FfmpegPath, ["-nostdin", "-v", "error", "-y", .. args], Ct);
        return result.ExitCode;
    }
}
