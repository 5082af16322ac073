using System.Security.Cryptography;

namespace Synthstage.Provenance.C2pa;

/// <summary>The <c>c2pa.hash.collection.data</c> hard binding of a PNG-sequence folder: every file's name and SHA-256.</summary>
public static class CollectionHash
{
    /// <summary>The assertion for the files of <paramref name="folder"/> (sorted by name).</summary>
    public static async Task<C2paAssertion> AssertionAsync(string folder, CancellationToken ct = default) =>
        C2paAssertion.Cbor(C2paLabels.CollectionHash, new Dictionary<string, object?>
        {
            ["uris"] = await UrisAsync(folder, ct).ConfigureAwait(false),
            ["alg"] = "sha256",
        });

    /// <summary>The <c>uris</c> array: one map of <c>uri</c> (the file name) and <c>hash</c> per file.</summary>
    public static async Task<List<object?>> UrisAsync(string folder, CancellationToken ct = default)
    {
        var uris = new List<object?>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(file);
            uris.Add(new Dictionary<string, object?> { ["uri"] = Path.GetFileName(file), ["hash"] = await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false) });
        }
        return uris;
    }
}
