using Synthstage.Imaging;
using System.Text;
using System.Text.Json.Nodes;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Tests.Provenance;

public sealed class ManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ss-prov-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ProvenanceManifest Sample() => new()
    {
        ContentId = "0123456789abcdef0123456789abcdef",
        Tool = new ToolRecord("synthstage", "0.1.0"),
        Command = "composite",
        Prompts = [new PromptRecord("background", "a beach at dusk, «warm» light \"golden\"\n")],
        Seeds = [42],
        Parts = [new PartRecord("subject", "captured", "footage")],
        Watermark = new WatermarkRecord(true, "01234567", "test"),
        Started = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture),
    };

    [Fact]
    public void CanonicalJsonSortsMembersAndEscapesOnlyWhatItMust()
    {
        var node = JsonNode.Parse("""{ "b": [1, 2.5, "x\u00e9\n"], "a": { "z": true, "y": null }, "A": -3 }""");
        Assert.Equal("""{"A":-3,"a":{"y":null,"z":true},"b":[1,2.5,"xé\n"]}""".Replace("\n", "\\n", StringComparison.Ordinal),
            Encoding.UTF8.GetString(CanonicalJson.Serialize(node)));
    }

    [Fact]
    public void ASignedManifestVerifiesAndAnyEditBreaksIt()
    {
        var key = SigningKey.Generate();
        var json = ManifestSigner.Sign(Sample(), key);
        Assert.Equal(SignatureStatus.Valid, ManifestSigner.Verify(json, out var publicKey));
        Assert.Equal(key.PublicKey, publicKey);

        // Re-indenting does not matter (the canonical form is signed); changing a value does.
        Assert.Equal(SignatureStatus.Valid, ManifestSigner.Verify(JsonNode.Parse(json)!.ToJsonString(), out _));
        Assert.Equal(SignatureStatus.Invalid, ManifestSigner.Verify(json.Replace("\"composite\"", "\"matte\"", StringComparison.Ordinal), out _));
        Assert.Equal(SignatureStatus.Invalid, ManifestSigner.Verify(json.Replace("42", "43", StringComparison.Ordinal), out _));
        var unsigned = JsonNode.Parse(json)!.AsObject();
        unsigned.Remove("signature");
        Assert.Equal(SignatureStatus.Missing, ManifestSigner.Verify(unsigned.ToJsonString(), out _));
        // A signature by another key over the same content is valid for that key, not this one.
        var other = SigningKey.Generate();
        Assert.Equal(SignatureStatus.Valid, ManifestSigner.Verify(ManifestSigner.Sign(Sample(), other), out var otherKey));
        Assert.NotEqual(key.PublicKey, otherKey);
    }

    [Fact]
    public void AnEditedKeyThatIsNoPointOnTheCurveVerifiesNothingAndDoesNotThrow()
    {
        // About half of all 32-byte strings decode to no curve point; an edit to a manifest's key can make one.
        var notAPoint = Enumerable.Range(0, 256).Select(b => { var k = new byte[32]; k[0] = (byte)b; k[1] = 7; return k; })
            .First(k => { try { _ = new Org.BouncyCastle.Crypto.Parameters.Ed25519PublicKeyParameters(k); return false; } catch (ArgumentException) { return true; } });
        var key = SigningKey.Generate();
        var message = Encoding.UTF8.GetBytes("manifest");
        Assert.False(SigningKey.Verify(notAPoint, message, key.Sign(message)));
        Assert.True(SigningKey.Verify(key.PublicKey, message, key.Sign(message)));

        var json = ManifestSigner.Sign(Sample(), key);
        var edited = JsonNode.Parse(json)!;
        Assert.Equal(SigningKey.FormatPublicKey(key.PublicKey), edited["signature"]!["publicKey"]!.GetValue<string>());
        edited["signature"]!["publicKey"] = SigningKey.FormatPublicKey(notAPoint);
        Assert.Equal(SignatureStatus.Invalid, ManifestSigner.Verify(edited.ToJsonString(), out _));
    }

    [Fact]
    public void Ed25519MatchesRfc8032TestVector1()
    {
        var key = SigningKey.FromSeed(Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
        Assert.Equal("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", Convert.ToHexStringLower(key.PublicKey));
        Assert.Equal("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            Convert.ToHexStringLower(key.Sign([])));
    }

    [Fact]
    public void TheKeyIsCreatedOnceWithOwnerOnlyPermissions()
    {
        var store = new SigningKeyStore(Path.Combine(_dir, "keys"));
        Assert.False(store.Exists);
        var key = store.GetOrCreate();
        Assert.True(store.Exists);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.KeyPath));
        Assert.Equal(key.PublicKey, new SigningKeyStore(store.Folder).GetOrCreate().PublicKey);
        Assert.Matches("^ed25519:[A-Za-z0-9+/]{43}=$", key.PublicKeyText);
    }

    [Fact]
    public void ACorruptKeyFileIsAClearError()
    {
        var store = new SigningKeyStore(Path.Combine(_dir, "bad"));
        Directory.CreateDirectory(store.Folder);
        File.WriteAllText(store.KeyPath, "not base64!");
        var error = Assert.Throws<SynthstageException>(() => store.GetOrCreate());
        Assert.Contains("unreadable or corrupt", error.Message);
    }

    [Fact]
    public void DefaultKeyFolderFollowsSynthstageHome()
    {
        // The test environment sets SYNTHSTAGE_HOME to the test cache, so no test signs with the developer's own key.
        Assert.Equal(Path.Combine(TestEnvironment.CacheRoot, "keys"), SigningKeyStore.DefaultFolder());
    }

    [Fact]
    public async Task AnOlderPngManifestChunkIsStillRead()
    {
        var image = TestImages.Scene(64, 48, 1);
        var path = Path.Combine(_dir, "a.png");
        new Synthstage.Diffusion.Pipelines.GeneratedImage(image, 1, [new("prompt", "x")]).SavePng(path);
        // Written the way Synthstage embedded its manifest before content credentials: an iTXt chunk.
        var json = ManifestSigner.Sign(Sample(), SigningKey.Generate());
        var png = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(path, Synthstage.Imaging.PngTextChunks.Insert(png, [new(ManifestContainer.PngKeyword, json)]), TestContext.Current.CancellationToken);
        var read = await ManifestContainer.ReadAsync(path, TestContext.Current.CancellationToken);
        Assert.NotNull(read);
        Assert.Equal(SignatureStatus.Valid, ManifestSigner.Verify(read, out _));
    }
}
