using System.Text.Json;
using System.Text.Json.Nodes;
using Synthstage.Provenance;
using Synthstage.Provenance.Manifest;

namespace Synthstage.Cli.Commands;

/// <summary>
/// Compares the sidecar manifest with the copy embedded in the file. The two are written from one record and differ
/// by design only in which copy they are, the output hash (a file cannot state its own hash), when each was signed
/// (the embedded copy goes into the file while it is encoded) and their signatures;
/// anything else that differs is named.
/// </summary>
internal static class ManifestCopies
{
    private static readonly string[] PerCopyFields = ["copy", "output", "signature", "finished"];

    /// <summary>
    /// The top-level manifest fields in which <paramref name="a"/> and <paramref name="b"/> differ, leaving out the
    /// per-copy fields; empty when they agree. Null when either could not be parsed or their signatures check out differently.
    /// </summary>
    public static IReadOnlyList<string>? Differences(ManifestCheck a, ManifestCheck b)
    {
        if (a.Manifest is null || b.Manifest is null || a.Signature != b.Signature || a.SignerFingerprint != b.SignerFingerprint) return null;
        var left = Fields(a.Manifest);
        var right = Fields(b.Manifest);
        return left.Select(p => p.Key).Union(right.Select(p => p.Key)).Where(k => !PerCopyFields.Contains(k))
            .Where(k => !JsonNode.DeepEquals(left[k], right[k])).Order(StringComparer.Ordinal).ToArray();
    }

    private static JsonObject Fields(ProvenanceManifest manifest) =>
        JsonSerializer.SerializeToNode(manifest, ProvenanceManifest.JsonOptions)!.AsObject();
}
