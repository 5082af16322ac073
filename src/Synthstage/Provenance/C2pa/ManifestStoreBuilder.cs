namespace Synthstage.Provenance.C2pa;

/// <summary>
/// Assembles a C2PA manifest store: one manifest (label <c>urn:c2pa:UUID</c>) holding the assertion store, a
/// version-2 claim that references every assertion by hash, and the claim's COSE_Sign1 signature.
/// </summary>
public static class ManifestStoreBuilder
{
    /// <summary>The JUMBF bytes of the manifest store.</summary>
    /// <param name="manifestId">The manifest's UUID (the label is <c>urn:c2pa:</c> + it).</param>
    /// <param name="assertions">The assertions, the hard binding among them.</param>
    /// <param name="title">The asset's name (<c>dc:title</c>).</param>
    /// <param name="credential">Signs the claim.</param>
    /// <param name="signingTime">The stated time of signing.</param>
    public static byte[] Build(Guid manifestId, IReadOnlyList<C2paAssertion> assertions, string title, C2paCredential credential, DateTimeOffset signingTime)
    {
        var claim = new Dictionary<string, object?>
        {
            ["instanceID"] = $"xmp:iid:{manifestId:D}",
            ["claim_generator_info"] = new Dictionary<string, object?> { ["name"] = "synthstage", ["version"] = ProvenanceWriter.ToolVersion },
            ["signature"] = "self#jumbf=" + C2paLabels.Signature,
            ["created_assertions"] = assertions.Select(a => (object?)a.Reference()).ToList(),
            ["dc:title"] = title,
            ["alg"] = "sha256",
        };
        var claimBytes = CborTree.Encode(claim);
        var signature = ClaimSignature.Sign(claimBytes, credential, signingTime);
        var manifest = new JumbfSuperbox(C2paLabels.ManifestType, $"urn:c2pa:{manifestId:D}",
        [
            new JumbfSuperbox(C2paLabels.AssertionStoreType, C2paLabels.Assertions, assertions.Select(a => (JumbfBox)a.Box()).ToList()),
            new JumbfSuperbox(C2paLabels.ClaimType, C2paLabels.ClaimV2, [new JumbfContentBox("cbor", claimBytes)]),
            new JumbfSuperbox(C2paLabels.SignatureType, C2paLabels.Signature, [new JumbfContentBox("cbor", signature)]),
        ]);
        return Jumbf.Encode(new JumbfSuperbox(C2paLabels.ManifestStoreType, C2paLabels.ManifestStore, [manifest]));
    }
}
