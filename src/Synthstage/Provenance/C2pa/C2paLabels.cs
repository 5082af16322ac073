namespace Synthstage.Provenance.C2pa;

/// <summary>The JUMBF content-type UUIDs, box labels and vocabulary of the C2PA specification (2.x) that Synthstage writes and reads.</summary>
public static class C2paLabels
{
    /// <summary>Manifest store superbox (<c>c2pa</c>).</summary>
    public static readonly byte[] ManifestStoreType = Uuid("6332706100110010800000AA00389B71");
    /// <summary>A standard manifest (<c>c2ma</c>).</summary>
    public static readonly byte[] ManifestType = Uuid("63326D6100110010800000AA00389B71");
    /// <summary>An update manifest (<c>c2um</c>).</summary>
    public static readonly byte[] UpdateManifestType = Uuid("6332756D00110010800000AA00389B71");
    /// <summary>Assertion store (<c>c2as</c>).</summary>
    public static readonly byte[] AssertionStoreType = Uuid("6332617300110010800000AA00389B71");
    /// <summary>Claim (<c>c2cl</c>).</summary>
    public static readonly byte[] ClaimType = Uuid("6332636C00110010800000AA00389B71");
    /// <summary>Claim signature (<c>c2cs</c>).</summary>
    public static readonly byte[] SignatureType = Uuid("6332637300110010800000AA00389B71");
    /// <summary>A CBOR assertion.</summary>
    public static readonly byte[] CborType = Uuid("63626F7200110010800000AA00389B71");
    /// <summary>A JSON assertion.</summary>
    public static readonly byte[] JsonType = Uuid("6A736F6E00110010800000AA00389B71");

    /// <summary>The extended type of the ISO BMFF <c>uuid</c> box that carries a manifest store.</summary>
    public static readonly byte[] BmffUuid = Uuid("D8FEC3D61B0E483C92975828877EC481");

    /// <summary>Label of the manifest store superbox.</summary>
    public const string ManifestStore = "c2pa";
    /// <summary>Label of the assertion store.</summary>
    public const string Assertions = "c2pa.assertions";
    /// <summary>Label of a version-2 claim.</summary>
    public const string ClaimV2 = "c2pa.claim.v2";
    /// <summary>Label of a version-1 claim.</summary>
    public const string ClaimV1 = "c2pa.claim";
    /// <summary>Label of the claim signature.</summary>
    public const string Signature = "c2pa.signature";

    /// <summary>The actions assertion (version 2).</summary>
    public const string Actions = "c2pa.actions.v2";
    /// <summary>An ingredient assertion (version 3); further ones take <c>__1</c>, <c>__2</c>, ….</summary>
    public const string Ingredient = "c2pa.ingredient.v3";
    /// <summary>The hard binding of a non-BMFF file: SHA-256 over the file minus the manifest store.</summary>
    public const string DataHash = "c2pa.hash.data";
    /// <summary>The hard binding of an ISO BMFF file (MP4/MOV), by top-level boxes.</summary>
    public const string BmffHash = "c2pa.hash.bmff.v3";
    /// <summary>The hard binding of a folder of files (a PNG sequence), by each file's hash.</summary>
    public const string CollectionHash = "c2pa.hash.collection.data";
    /// <summary>Synthstage's own assertion: prompts, seeds, models, settings (its provenance record as JSON).</summary>
    public const string Synthstage = "org.synthstage.provenance";

    /// <summary>IPTC digital source type: created by a generative model.</summary>
    public const string TrainedAlgorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";
    /// <summary>IPTC digital source type: captured media composited with generated media.</summary>
    public const string CompositeWithTrainedAlgorithmicMedia = "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia";

    /// <summary>The hashed-URI of an assertion of the same manifest.</summary>
    public static string AssertionUri(string label) => $"self#jumbf=c2pa.assertions/{label}";

    private static byte[] Uuid(string hex) => Convert.FromHexString(hex);
}
