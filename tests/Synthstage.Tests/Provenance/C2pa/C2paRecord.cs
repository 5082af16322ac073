using System.Text.Json.Nodes;
using Synthstage.Provenance.C2pa;

namespace Synthstage.Tests.Provenance.C2pa;

/// <summary>The Synthstage record inside an output's content credentials, checked intact on the way.</summary>
internal static class C2paRecord
{
    public static async Task<JsonObject> ReadAsync(string path)
    {
        var search = await C2paStoreLocator.FindAsync(path, TestContext.Current.CancellationToken);
        var check = await C2paValidator.ValidateAsync(Assert.Single(search.Stores), path, null, TestContext.Current.CancellationToken);
        Assert.True(check.Intact, string.Join("; ", check.Failures.Select(f => $"{f.Code}: {f.Explanation}")));
        return check.SynthstageRecord!.AsObject();
    }

    /// <summary>An Ed25519-signed sidecar as Synthstage wrote them before content credentials, to test that verify still reads them.</summary>
    public static string WriteLegacySidecar(string outputPath, Synthstage.Provenance.Manifest.ProvenanceManifest manifest, Synthstage.Provenance.Manifest.SigningKeyStore keys)
    {
        var sidecar = outputPath + ".manifest.json";
        File.WriteAllText(sidecar, Synthstage.Provenance.Manifest.ManifestSigner.Sign(manifest with { Copy = "sidecar" }, keys.GetOrCreate()));
        return sidecar;
    }
}
