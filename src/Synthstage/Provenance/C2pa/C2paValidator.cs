using System.Formats.Cbor;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Synthstage.Provenance.C2pa;

/// <summary>
/// Checks one C2PA manifest store the way the specification's validation section does, for any claim generator: the
/// active (last) manifest's claim signature against its <c>x5chain</c> signer, the signer certificate's profile and
/// validity, every referenced assertion's hash, and the hard binding (<c>c2pa.hash.data</c>, <c>c2pa.hash.bmff</c> v1–v3
/// with top-level exclusions, <c>c2pa.hash.collection.data</c>) against the asset. No trust list is consulted, so every
/// signer is reported as untrusted: a valid result proves the file is as signed, not who signed it.
/// </summary>
public static class C2paValidator
{
    /// <summary>Validates <paramref name="found"/> against the asset at <paramref name="assetPath"/>; never throws for bad input.</summary>
    /// <param name="found">The store and where it was.</param>
    /// <param name="assetPath">The file or folder the store describes.</param>
    /// <param name="localSigner">This user's Synthstage signer certificate (DER), to say "this user's credential"; null if none.</param>
    /// <param name="ct">Cancels hashing.</param>
    public static async Task<C2paManifestCheck> ValidateAsync(FoundStore found, string assetPath, byte[]? localSigner, CancellationToken ct = default)
    {
        try
        {
            return await ValidateCoreAsync(found, assetPath, localSigner, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is JumbfFormatException or CborContentException or InvalidOperationException or InvalidDataException or FormatException or OverflowException or InvalidCastException)
        {
            return C2paManifestCheck.Unreadable(found.Source, $"the manifest store is corrupt or truncated ({e.Message})");
        }
    }

    private static async Task<C2paManifestCheck> ValidateCoreAsync(FoundStore found, string assetPath, byte[]? localSigner, CancellationToken ct)
    {
        var statuses = new List<C2paStatus>();
        var store = Jumbf.Decode(found.Store);
        if (!store.ContentType.AsSpan().SequenceEqual(C2paLabels.ManifestStoreType))
            return C2paManifestCheck.Unreadable(found.Source, "the JUMBF box is not a C2PA manifest store");
        var manifests = store.Children.OfType<JumbfSuperbox>()
            .Where(b => b.ContentType.AsSpan().SequenceEqual(C2paLabels.ManifestType) || b.ContentType.AsSpan().SequenceEqual(C2paLabels.UpdateManifestType)).ToList();
        if (manifests.Count == 0) return C2paManifestCheck.Unreadable(found.Source, "the manifest store holds no manifest");
        var manifest = manifests[^1];
        var claimBox = manifest.Child(C2paLabels.ClaimV2) ?? manifest.Child(C2paLabels.ClaimV1);
        var claimVersion = claimBox?.Label == C2paLabels.ClaimV2 ? 2 : 1;
        var claimBytes = claimBox?.Content?.Payload;
        var signatureBytes = manifest.Child(C2paLabels.Signature)?.Content?.Payload;
        var assertionStore = manifest.Child(C2paLabels.Assertions);
        if (claimBytes is null) return C2paManifestCheck.Unreadable(found.Source, "the active manifest has no claim");
        var claim = CborTree.Decode(claimBytes) as Dictionary<string, object?> ?? throw new InvalidDataException("the claim is not a CBOR map");

        // Signature and signer.
        var signature = signatureBytes is null
            ? new ClaimSignatureCheck(false, true, "none", [], null, "the manifest has no claim signature")
            : ClaimSignature.Verify(signatureBytes, claimBytes);
        statuses.Add(signature.Valid
            ? new C2paStatus("claimSignature.validated", $"the claim signature ({signature.Algorithm}) is valid", false)
            : !signature.Checked ? new C2paStatus("synthstage.signature.unchecked", signature.Problem ?? "the claim signature was not checked", false)
            : new C2paStatus(signatureBytes is null ? "claimSignature.missing" : "claimSignature.mismatch", signature.Problem ?? "the claim signature is invalid", true));
        C2paSignerInfo? signer = null;
        if (signature.Chain.Count > 0)
        {
            var certificate = signature.Chain[0];
            var now = DateTimeOffset.UtcNow;
            foreach (var problem in C2paCredentialCheck.Problems(certificate, now))
                statuses.Add(new C2paStatus(problem.Contains("expired", StringComparison.Ordinal) || problem.Contains("not valid before", StringComparison.Ordinal)
                    ? "signingCredential.expired" : "signingCredential.invalid", problem, true));
            var local = localSigner is not null && certificate.RawData.AsSpan().SequenceEqual(localSigner);
            signer = new C2paSignerInfo(certificate.Subject, certificate.Issuer, certificate.SerialNumber, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(),
                Convert.ToHexStringLower(SHA256.HashData(certificate.RawData)), SelfMade: true, local);
            statuses.Add(new C2paStatus("signingCredential.untrusted",
                "the signer certificate is not on a trust list this verifier holds (none is consulted): the signature proves the file is as signed, not who signed it", false));
        }

        // Assertions the claim references, each by the hash of its box.
        var references = claim.List("created_assertions").Concat(claim.List("gathered_assertions")).Concat(claim.List("assertions")).OfType<Dictionary<string, object?>>().ToList();
        var boxes = assertionStore?.Children.OfType<JumbfSuperbox>().ToDictionary(b => b.Label, StringComparer.Ordinal) ?? [];
        var intact = assertionStore is not null && references.Count > 0;
        var claimAlg = claim.Text("alg") ?? "sha256";
        foreach (var reference in references)
        {
            var url = reference.Text("url") ?? "";
            var label = url[(url.LastIndexOf('/') + 1)..];
            if (!boxes.TryGetValue(label, out var box))
            {
                intact = false;
                statuses.Add(new C2paStatus("assertion.missing", $"the claim references {url}, which is not in the manifest", true));
                continue;
            }
            var expected = reference.GetValueOrDefault("hash") as byte[];
            var actual = Hash(reference.Text("alg") ?? claimAlg, box.PayloadBytes());
            if (expected is not null && actual is not null && expected.AsSpan().SequenceEqual(actual))
                statuses.Add(new C2paStatus("assertion.hashedURI.match", $"{label} is as signed", false));
            else
            {
                intact = false;
                statuses.Add(new C2paStatus("assertion.hashedURI.mismatch", $"{label} was changed after signing (its hash differs from the claim's)", true));
            }
        }
        var referenced = new HashSet<string>(references.Select(r => (r.Text("url") ?? "")[((r.Text("url") ?? "").LastIndexOf('/') + 1)..]), StringComparer.Ordinal);
        foreach (var label in boxes.Keys.Where(l => !referenced.Contains(l)))
            statuses.Add(new C2paStatus("assertion.undeclared", $"{label} is in the manifest but not in its claim", true));

        // Assertions as JSON, actions and ingredients.
        var assertionsJson = new JsonObject();
        var decoded = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (label, box) in boxes)
        {
            var content = box.Content;
            if (content is null) continue;
            try
            {
                if (content.Type == "cbor")
                {
                    decoded[label] = CborTree.Decode(content.Payload);
                    assertionsJson[label] = CborTree.ToJson(decoded[label]);
                }
                else if (content.Type == "json")
                    assertionsJson[label] = JsonNode.Parse(content.Payload);
                else
                    assertionsJson[label] = $"({content.Type} box, {content.Payload.Length} bytes)";
            }
            catch (Exception e) when (e is CborContentException or JsonException or InvalidOperationException)
            {
                statuses.Add(new C2paStatus("assertion.cbor.invalid", $"{label} cannot be decoded ({e.Message})", true));
            }
        }
        var actions = decoded.Where(p => p.Key.StartsWith("c2pa.actions", StringComparison.Ordinal)).SelectMany(p => (p.Value as Dictionary<string, object?>)?.List("actions") ?? [])
            .OfType<Dictionary<string, object?>>()
            .Select(a => new C2paAction(a.Text("action") ?? "?", a.Text("digitalSourceType"), a.Text("description"),
                a.GetValueOrDefault("softwareAgent") switch { string s => s, Dictionary<string, object?> m => $"{m.Text("name")} {m.Text("version")}".Trim(), _ => null }))
            .ToList();
        var ingredients = decoded.Where(p => p.Key.StartsWith("c2pa.ingredient", StringComparison.Ordinal) && p.Value is Dictionary<string, object?>)
            .Select(p => (p.Key, Map: (Dictionary<string, object?>)p.Value!))
            .Select(i => new C2paIngredient(i.Key, i.Map.Text("dc:title"), i.Map.Text("dc:format"), i.Map.Text("relationship"), i.Map.Map("metadata")?.Text("org.synthstage.sha256")))
            .ToList();

        // Hard binding.
        var binding = await CheckBindingAsync(decoded, found, assetPath, claimAlg, ct).ConfigureAwait(false);
        if (binding.Assertion is null) statuses.Add(new C2paStatus("claim.hardBindings.missing", binding.Detail, true));
        else if (binding.Matches == true) statuses.Add(new C2paStatus(BindingCode(binding.Assertion, true), binding.Detail, false));
        else if (binding.Matches == false) statuses.Add(new C2paStatus(BindingCode(binding.Assertion, false), binding.Detail, true));
        else statuses.Add(new C2paStatus("synthstage.binding.unchecked", binding.Detail, false));

        var generator = claim.Map("claim_generator_info") is { } info ? $"{info.Text("name")} {info.Text("version")}".Trim()
            : claim.List("claim_generator_info").OfType<Dictionary<string, object?>>().FirstOrDefault() is { } first ? $"{first.Text("name")} {first.Text("version")}".Trim()
            : claim.Text("claim_generator");
        return new C2paManifestCheck(found.Source, true, null, manifest.Label, manifests.Count, claimVersion, generator, claim.Text("dc:title"), signature.Algorithm,
            signature.Valid, signature.Checked, signature.SigningTime, signer, intact, binding, actions, ingredients, statuses, assertionsJson);
    }

    private static string BindingCode(string label, bool match) =>
        (label.StartsWith(C2paLabels.DataHash, StringComparison.Ordinal) ? "assertion.dataHash." : label.StartsWith("c2pa.hash.bmff", StringComparison.Ordinal) ? "assertion.bmffHash." : "assertion.collectionHash.")
        + (match ? "match" : "mismatch");

    private static async Task<C2paBinding> CheckBindingAsync(Dictionary<string, object?> assertions, FoundStore found, string assetPath, string claimAlg, CancellationToken ct)
    {
        var (label, value) = assertions.FirstOrDefault(p => p.Key.StartsWith("c2pa.hash.", StringComparison.Ordinal) && p.Key != "c2pa.hash.multi-asset");
        if (label is null || value is not Dictionary<string, object?> map) return new C2paBinding(null, null, "the claim has no hard binding to the file's bytes");
        var alg = map.Text("alg") ?? claimAlg;
        var expected = map.GetValueOrDefault("hash") as byte[];
        if (label.StartsWith(C2paLabels.CollectionHash, StringComparison.Ordinal))
            return await CheckCollectionAsync(label, map, assetPath, ct).ConfigureAwait(false);
        if (!File.Exists(assetPath)) return new C2paBinding(label, false, $"the asset '{assetPath}' is not a file");
        if (alg != "sha256") return new C2paBinding(label, null, $"not checked: the binding uses {alg}; this verifier hashes with sha256");
        if (expected is null) return new C2paBinding(label, null, "not checked: the binding states no file-level hash (a Merkle-tree binding of fragments)");
        await using var stream = new FileStream(assetPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        byte[] actual;
        if (label.StartsWith(C2paLabels.DataHash, StringComparison.Ordinal))
        {
            var exclusions = map.List("exclusions").OfType<Dictionary<string, object?>>().Select(e => (e.Integer("start") ?? 0, e.Integer("length") ?? 0)).ToList();
            if (found.SidecarPath is null && exclusions.Count == 0)
                return new C2paBinding(label, false, "the data hash excludes nothing, so it cannot cover a file that embeds its own manifest");
            try
            {
                actual = await DataHash.ComputeAsync(stream, exclusions, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                return new C2paBinding(label, false, $"the data hash does not fit the file: {e.Message}");
            }
        }
        else
        {
            var withOffsets = label.EndsWith(".v2", StringComparison.Ordinal) || label.EndsWith(".v3", StringComparison.Ordinal);
            try
            {
                actual = await BmffExclusions.HashAsync(stream, map.List("exclusions").OfType<Dictionary<string, object?>>().ToList(), withOffsets, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
            {
                return new C2paBinding(label, false, $"the file's box structure is broken: {e.Message}");
            }
        }
        return expected.AsSpan().SequenceEqual(actual)
            ? new C2paBinding(label, true, "the file's bytes are the ones signed (SHA-256 matches)")
            : new C2paBinding(label, false, "the file's bytes differ from the ones signed: it was edited or re-encoded after signing");
    }

    private static async Task<C2paBinding> CheckCollectionAsync(string label, Dictionary<string, object?> map, string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) return new C2paBinding(label, false, $"the asset '{folder}' is not a folder");
        var expected = map.List("uris").OfType<Dictionary<string, object?>>().ToDictionary(u => u.Text("uri") ?? "", u => u.GetValueOrDefault("hash") as byte[], StringComparer.Ordinal);
        var actual = (await CollectionHash.UrisAsync(folder, ct).ConfigureAwait(false)).OfType<Dictionary<string, object?>>()
            .ToDictionary(u => u.Text("uri") ?? "", u => (byte[])u["hash"]!, StringComparer.Ordinal);
        var missing = expected.Keys.Where(k => !actual.ContainsKey(k)).ToList();
        var added = actual.Keys.Where(k => !expected.ContainsKey(k) && !k.EndsWith(".c2pa", StringComparison.Ordinal)).ToList();
        var changed = expected.Where(p => actual.TryGetValue(p.Key, out var h) && (p.Value is null || !p.Value.AsSpan().SequenceEqual(h))).Select(p => p.Key).ToList();
        if (missing.Count + added.Count + changed.Count == 0)
            return new C2paBinding(label, true, $"all {expected.Count} files are the ones signed");
        var parts = new List<string>();
        if (changed.Count > 0) parts.Add($"{changed.Count} changed (first {changed[0]})");
        if (missing.Count > 0) parts.Add($"{missing.Count} missing (first {missing[0]})");
        if (added.Count > 0) parts.Add($"{added.Count} not signed (first {added[0]})");
        return new C2paBinding(label, false, "the folder differs from the one signed: " + string.Join(", ", parts));
    }

    private static byte[]? Hash(string alg, byte[] data) => alg switch
    {
        "sha256" => SHA256.HashData(data),
        "sha384" => SHA384.HashData(data),
        "sha512" => SHA512.HashData(data),
        _ => null,
    };

}
