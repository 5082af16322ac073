using System.Text;
using Synthstage.Diffusion.Pipelines;
using Synthstage.Media;
using Synthstage.Provenance;
using Synthstage.Provenance.C2pa;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Tests.Provenance.C2pa;

/// <summary>
/// Outputs signed through the real output paths, read by the C2PA reference implementation (c2pa-rs as WebAssembly):
/// the store parses, the signature and the hard binding hold, the actions and ingredients are ours, and the only status
/// left is the untrusted self-made credential; one changed byte of the media, the claim or the signature is reported.
/// </summary>
public sealed class C2paReferenceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-c2pa-").FullName;
    private readonly SigningKeyStore _keys;

    public C2paReferenceTests() => _keys = new SigningKeyStore(Path.Combine(_dir, "keys"));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<string> GeneratedPngAsync()
    {
        var path = Path.Combine(_dir, "generated.png");
        var image = new GeneratedImage(TestImages.Scene(256, 192, 7), 42, [new("prompt", "a lighthouse at dusk"), new("steps", "4")]);
        var written = await GeneratedImageProvenance.SaveAsync(image, path, new ProvenanceOptions { KeyStore = _keys },
            Path.Combine(_dir, "no-model"), "test-model", initImagePath: null, Ct);
        Assert.NotNull(written);
        Assert.True(written.C2pa.Embedded);
        return path;
    }

    private async Task<string> CompositeMp4Async()
    {
        SharedData.RequireFfmpeg();
        var footage = Path.Combine(_dir, "footage.mp4");
        await File.WriteAllBytesAsync(footage, Encoding.ASCII.GetBytes("stands in for the footage: only its hash is recorded"), Ct);
        var background = Path.Combine(_dir, "beach.png");
        new GeneratedImage(TestImages.Scene(64, 48, 3), 1, []).SavePng(background);
        var path = Path.Combine(_dir, "clip.mp4");
        var options = new ProvenanceOptions { KeyStore = _keys };
        var stamp = OutputStamp.Create(options, 320, 192, 3);
        var record = new ProvenanceRecord("composite").AddPart("subject", "captured", "keyed out of the footage").AddPart("background", "replaced", "image beach.png")
            .AddInput("footage", footage).AddInput("background", background);
        var prepared = await ProvenanceWriter.PrepareAsync(stamp, record, Ct);
        await using (var writer = VideoFrameWriter.Create(new VideoWriterOptions(path, 320, 192, 10)))
        {
            for (var i = 0; i < 10; i++)
            {
                var frame = TestImages.Scene(320, 192, 100 + i).Pixels;
                stamp.Apply(frame);
                await writer.WriteFrameAsync(frame, Ct);
            }
            await writer.CompleteAsync(Ct);
        }
        var written = await ProvenanceWriter.CompleteAsync(path, prepared, Ct);
        Assert.Equal(C2paLabels.BmffHash, written!.C2pa.Binding);
        return path;
    }

    [Fact]
    public async Task TheReferenceReaderAcceptsAGeneratedPng()
    {
        var path = await GeneratedPngAsync();
        var reference = await C2paReference.ReadAsync(path, "image/png");

        Assert.True(reference.Ok, reference.ToString());
        Assert.Equal(["signingCredential.untrusted"], reference.StatusCodes);
        Assert.Contains("claimSignature.validated", reference.SuccessCodes);
        Assert.Contains("assertion.dataHash.match", reference.SuccessCodes);
        var action = Assert.Single(reference.Assertion(C2paLabels.Actions)["actions"]!.AsArray());
        Assert.Equal("c2pa.created", action!["action"]!.GetValue<string>());
        Assert.Equal(C2paLabels.TrainedAlgorithmicMedia, action["digitalSourceType"]!.GetValue<string>());
        var record = reference.Assertion(C2paLabels.Synthstage);
        Assert.Equal("a lighthouse at dusk", record["prompts"]![0]!["prompt"]!.GetValue<string>());
        Assert.Equal(42UL, record["seeds"]![0]!.GetValue<ulong>());
        Assert.Equal("ES256", reference.ActiveManifest["signature_info"]!["alg"]!.GetValue<string>(), ignoreCase: true);

        var ours = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        var check = Assert.Single(ours.Credentials.Manifests);
        Assert.True(check.Intact);
        Assert.True(check.Signer!.ThisUsersCredential);
        Assert.NotNull(check.SigningTime);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public async Task TheReferenceReaderAcceptsACompositeMp4WithItsIngredients()
    {
        var path = await CompositeMp4Async();
        var reference = await C2paReference.ReadAsync(path, "video/mp4");

        Assert.True(reference.Ok, reference.ToString());
        Assert.Equal(["signingCredential.untrusted"], reference.StatusCodes);
        Assert.Contains("claimSignature.validated", reference.SuccessCodes);
        Assert.Contains("assertion.bmffHash.match", reference.SuccessCodes);
        var actions = reference.Assertion(C2paLabels.Actions)["actions"]!.AsArray().Select(a => a!["action"]!.GetValue<string>()).ToArray();
        Assert.Equal(["c2pa.opened", "c2pa.edited", "c2pa.placed"], actions);
        Assert.Equal(C2paLabels.CompositeWithTrainedAlgorithmicMedia, reference.Assertion(C2paLabels.Actions)["actions"]![1]!["digitalSourceType"]!.GetValue<string>());
        var ingredients = reference.ActiveManifest["ingredients"]!.AsArray()
            .Select(i => (i!["title"]!.GetValue<string>(), i["relationship"]!.GetValue<string>())).ToArray();
        Assert.Equal([("footage.mp4", "parentOf"), ("beach.png", "componentOf")], ingredients);
        var footageHash = (await FileDigest.ComputeAsync(Path.Combine(_dir, "footage.mp4"), Ct)).Sha256;
        Assert.Equal(footageHash, reference.ActiveManifest["ingredients"]![0]!["metadata"]!["org.synthstage.sha256"]!.GetValue<string>());

        var ours = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.True(Assert.Single(ours.Credentials.Manifests).Intact);
        Assert.Equal(0, ours.ExitCode);
    }

    [Fact]
    public async Task OneChangedByteOfTheVideoIsABindingFailure()
    {
        var path = await CompositeMp4Async();
        await using (var stream = File.Open(path, FileMode.Open))
        {
            var mdat = (await BmffManifestBox.TopLevelBoxesAsync(stream, Ct)).Single(b => b.Type == "mdat");
            Flip(stream, mdat.Offset + mdat.Length / 2);
        }
        var reference = await C2paReference.ReadAsync(path, "video/mp4");
        Assert.Contains("assertion.bmffHash.mismatch", reference.StatusCodes);
        Assert.DoesNotContain("claimSignature.mismatch", reference.StatusCodes);

        var ours = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.False(Assert.Single(ours.Credentials.Manifests).Binding.Matches);
        Assert.Equal(VerifyExitCodes.FileChanged, ours.ExitCode);
    }

    [Fact]
    public async Task OneChangedByteOfThePicturePixelsIsABindingFailure()
    {
        var path = await GeneratedPngAsync();
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[IndexOf(bytes, "IDAT"u8) + 40] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var reference = await C2paReference.ReadAsync(path, "image/png");
        Assert.Contains("assertion.dataHash.mismatch", reference.StatusCodes);
        Assert.Equal(VerifyExitCodes.FileChanged, (await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct)).ExitCode);
    }

    [Theory]
    [InlineData("video/mp4")]
    [InlineData("image/png")]
    public async Task OneChangedByteOfTheClaimIsASignatureFailure(string mime)
    {
        var path = mime == "video/mp4" ? await CompositeMp4Async() : await GeneratedPngAsync();
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        // The claim's dc:title value (the claim follows the assertions, which have titles of their own), a text
        // string: one letter changed keeps the CBOR well-formed.
        bytes[bytes.AsSpan().LastIndexOf("dc:title"u8) + "dc:title".Length + 1] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var reference = await C2paReference.ReadAsync(path, mime);
        Assert.Contains("claimSignature.mismatch", reference.StatusCodes);
        var ours = await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct);
        Assert.False(Assert.Single(ours.Credentials.Manifests).SignatureValid);
        Assert.Equal(VerifyExitCodes.ManifestTampered, ours.ExitCode);
    }

    [Fact]
    public async Task OneChangedByteOfTheSignatureIsASignatureFailure()
    {
        var path = await CompositeMp4Async();
        await using (var stream = File.Open(path, FileMode.Open))
            Flip(stream, stream.Length - 1); // the store ends the file, and the COSE signature value ends the store
        var reference = await C2paReference.ReadAsync(path, "video/mp4");
        Assert.Contains("claimSignature.mismatch", reference.StatusCodes);
        Assert.Equal(VerifyExitCodes.ManifestTampered, (await ProvenanceVerifier.VerifyAsync(path, _keys, ct: Ct)).ExitCode);
    }

    private static void Flip(Stream stream, long offset)
    {
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x01));
    }

    private static int IndexOf(byte[] data, ReadOnlySpan<byte> what)
    {
        var index = data.AsSpan().IndexOf(what);
        Assert.True(index >= 0);
        return index;
    }
}
