using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Tests.Provenance;

public sealed class VerifyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-verify-").FullName;
    private readonly SigningKeyStore _keys;

    public VerifyTests() => _keys = new SigningKeyStore(Path.Combine(_dir, "keys"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Writes a 3-second 640×384 MP4 of moving scenes through the provenance stamp, as a render does.</summary>
    private async Task<(string Path, OutputStamp Stamp)> RenderMarkedVideoAsync(ProvenanceOptions options)
    {
        var path = Path.Combine(_dir, "clip.mp4");
        var stamp = OutputStamp.Create(options with { KeyStore = _keys }, 640, 384, 3);
        await using (var writer = VideoFrameWriter.Create(new VideoWriterOptions(path, 640, 384, 10)))
        {
            for (var i = 0; i < 30; i++)
            {
                var frame = TestImages.Scene(640, 384, 200 + i / 5).Pixels;
                stamp.Apply(frame);
                await writer.WriteFrameAsync(frame, Ct);
            }
            await writer.CompleteAsync(Ct);
        }
        var record = new ProvenanceRecord("composite").AddPart("subject", "captured", "test").Set("crf", "18");
        await ProvenanceWriter.WriteAsync(path, stamp, record, Ct);
        return (path, stamp);
    }

    [Fact]
    public async Task AMarkedVideoVerifiesCompletely()
    {
        SharedData.RequireFfmpeg();
        var (path, stamp) = await RenderMarkedVideoAsync(new ProvenanceOptions { Label = "AI-generated" });
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);

        Assert.Empty(report.Manifests); // no Ed25519 copies any more: content credentials only
        var credentials = Assert.Single(report.Credentials.Manifests);
        Assert.True(credentials.Intact);
        Assert.True(credentials.Signer!.ThisUsersCredential);
        Assert.Equal(stamp.ContentId, report.TrustedManifest!.ContentId);
        Assert.Equal("AI-generated", report.TrustedManifest.Label);
        Assert.True(report.Watermark.Found);
        Assert.Equal(3, report.Watermark.Segments);
        Assert.Equal(3, report.Watermark.SegmentsFound);
        Assert.Equal(stamp.ContentId[..8], report.Watermark.Payload);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public async Task AReencodedCopyLosesItsCredentialsButStillCarriesTheMark()
    {
        SharedData.RequireFfmpeg();
        var (path, stamp) = await RenderMarkedVideoAsync(new ProvenanceOptions());
        var copy = Path.Combine(_dir, "shared.mp4");
        var run = await FfmpegTools.RunAsync(FfmpegTools.FfmpegPath, ["-v", "error", "-i", path, "-c:v", "libx264", "-crf", "28", copy], Ct);
        Assert.Equal(0, run.ExitCode);

        var report = await ProvenanceVerifier.VerifyAsync(copy, _keys, ct: Ct);
        Assert.Empty(report.Credentials.Manifests);
        Assert.True(report.Watermark.Found, string.Join(", ", report.Watermark.PerSegment.Select(d => $"{d.Detection.PayloadHex ?? "-"} {d.Detection.SyncScore:F1}σ")));
        Assert.Equal(stamp.ContentId[..8], report.Watermark.Payload);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public async Task AnOlderEd25519SidecarIsStillReadAndAnEditToItReported()
    {
        SharedData.RequireFfmpeg();
        var (path, _) = await RenderMarkedVideoAsync(new ProvenanceOptions());
        var record = (await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct)).TrustedManifest!;
        var sidecar = Synthstage.Tests.Provenance.C2pa.C2paRecord.WriteLegacySidecar(path, record, _keys);
        var intact = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Equal(SignatureStatus.Valid, Assert.Single(intact.Manifests).Signature);
        Assert.True(intact.Manifests[0].SignedByLocalKey);
        await File.WriteAllTextAsync(sidecar, (await File.ReadAllTextAsync(sidecar, Ct)).Replace("\"captured\"", "\"synthetic\"", StringComparison.Ordinal), Ct);

        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Equal(SignatureStatus.Invalid, Assert.Single(report.Manifests).Signature);
        Assert.True(report.Tampered);
        Assert.Equal(VerifyExitCodes.ManifestTampered, report.ExitCode);
    }

    [Fact]
    public async Task NoWatermarkIsRecordedInTheManifestAndNothingIsDetected()
    {
        SharedData.RequireFfmpeg();
        var (path, _) = await RenderMarkedVideoAsync(new ProvenanceOptions { Watermark = false, WatermarkNote = "disabled with --no-watermark" });
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.False(report.TrustedManifest!.Watermark.Embedded);
        Assert.Equal("disabled with --no-watermark", report.TrustedManifest.Watermark.Note);
        Assert.False(report.Watermark.Found);
        Assert.Equal(0, report.Watermark.SegmentsFound);
    }

    [Fact]
    public async Task AFileWithNothingSaysSoAndExitsZero()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "plain.png");
        new Synthstage.Diffusion.Pipelines.GeneratedImage(TestImages.Scene(320, 240, 9), 1, []).SavePng(path);
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Empty(report.Manifests);
        Assert.True(report.Watermark.Scanned);
        Assert.False(report.Watermark.Found);
        Assert.True(report.NothingFound);
        Assert.Null(report.HashMatches);
        Assert.Equal(0, report.ExitCode);
    }

    [Fact]
    public async Task ACorruptFileGetsAnAnswerNotACrash()
    {
        SharedData.RequireFfmpeg();
        var path = Path.Combine(_dir, "broken.mp4");
        var junk = new byte[5000];
        new Random(1).NextBytes(junk);
        await File.WriteAllBytesAsync(path, junk, Ct);
        var report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.False(report.Watermark.Scanned);
        Assert.NotNull(report.Watermark.Problem);
        Assert.Equal(ExitCodes.BadInput, report.ExitCode);

        await File.WriteAllTextAsync(path + ".manifest.json", "{ not json", Ct);
        report = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.Equal(SignatureStatus.Invalid, Assert.Single(report.Manifests).Signature);
        Assert.Contains("not valid JSON", report.Manifests[0].Problem);

        await Assert.ThrowsAsync<SynthstageException>(() => ProvenanceVerifier.VerifyAsync(Path.Combine(_dir, "missing.mp4"), _keys, ct: Ct));
    }

    [Fact]
    public void AFileVerdictNeedsTwoAgreeingSegmentsInLongerFiles()
    {
        static SegmentDetection Segment(int i, uint? payload) => new(i, TimeSpan.FromSeconds(i),
            new WatermarkDetection(payload is not null, payload, payload is null ? 0 : 0.9999, 1e-4, 6, 1, 0, 0, 0, 108, 24));
        Assert.False(ProvenanceVerifier.Summarize([Segment(0, 7), Segment(1, null), Segment(2, null)]).Found);
        Assert.False(ProvenanceVerifier.Summarize([Segment(0, 7), Segment(1, 8), Segment(2, null)]).Found);
        Assert.True(ProvenanceVerifier.Summarize([Segment(0, 7), Segment(1, null), Segment(2, 7)]).Found);
        Assert.True(ProvenanceVerifier.Summarize([Segment(0, 7)]).Found);
    }
}
