using System.Text.Json.Nodes;

namespace Synthstage.Provenance.C2pa;

/// <summary>One validation status, with the code the C2PA specification gives it (for example <c>claimSignature.validated</c>).</summary>
/// <param name="Code">The status code.</param>
/// <param name="Explanation">What it means for this file.</param>
/// <param name="Failure">True for a failure code.</param>
public sealed record C2paStatus(string Code, string Explanation, bool Failure);

/// <summary>Who signed a manifest, from the signer certificate.</summary>
/// <param name="Subject">The certificate's subject.</param>
/// <param name="Issuer">Its issuer.</param>
/// <param name="SerialNumber">Its serial number (hex).</param>
/// <param name="NotBefore">Start of validity.</param>
/// <param name="NotAfter">End of validity.</param>
/// <param name="Sha256Fingerprint">SHA-256 of the certificate (hex), to compare with a published one.</param>
/// <param name="SelfMade">True when no certificate authority anyone trusts stands behind it (no trust list is consulted,
/// so this is true for every signer; Synthstage's own credentials are self-made by design).</param>
/// <param name="ThisUsersCredential">True when the signer certificate is this user's own Synthstage credential.</param>
public sealed record C2paSignerInfo(string Subject, string Issuer, string SerialNumber, DateTimeOffset NotBefore, DateTimeOffset NotAfter,
    string Sha256Fingerprint, bool SelfMade, bool ThisUsersCredential);

/// <summary>An action of the manifest.</summary>
/// <param name="Action">The action (<c>c2pa.created</c>, …).</param>
/// <param name="DigitalSourceType">Its IPTC digital source type, or null.</param>
/// <param name="Description">Its description, or null.</param>
/// <param name="SoftwareAgent">The tool named, or null.</param>
public sealed record C2paAction(string Action, string? DigitalSourceType, string? Description, string? SoftwareAgent);

/// <summary>An ingredient of the manifest.</summary>
/// <param name="Label">Its assertion label.</param>
/// <param name="Title">Its title (file name), or null.</param>
/// <param name="Format">Its media type, or null.</param>
/// <param name="Relationship">parentOf, componentOf or inputTo.</param>
/// <param name="Sha256">The hash Synthstage records for it, or null (other tools do not record one).</param>
public sealed record C2paIngredient(string Label, string? Title, string? Format, string? Relationship, string? Sha256);

/// <summary>How the hard binding checked out.</summary>
/// <param name="Assertion">The binding assertion's label, or null when the claim has none.</param>
/// <param name="Matches">True/false when checked; null when it could not be checked.</param>
/// <param name="Detail">What was compared, or why it could not be.</param>
public sealed record C2paBinding(string? Assertion, bool? Matches, string Detail);

/// <summary>Everything read from one C2PA manifest store of a file.</summary>
/// <param name="Source">Where the store was: embedded (and how) or the sidecar path.</param>
/// <param name="Readable">False when the store could not be parsed (see <paramref name="Problem"/>).</param>
/// <param name="Problem">Why it could not be parsed or checked, or null.</param>
/// <param name="ManifestLabel">The active manifest's label.</param>
/// <param name="ManifestCount">How many manifests the store holds (earlier ones are ingredients' or previous versions).</param>
/// <param name="ClaimVersion">1 or 2.</param>
/// <param name="ClaimGenerator">The tool that wrote the claim, with its version.</param>
/// <param name="Title">The claim's <c>dc:title</c>.</param>
/// <param name="Algorithm">The signature algorithm.</param>
/// <param name="SignatureValid">True when the claim's signature verifies with the signer certificate.</param>
/// <param name="SignatureChecked">False when the signature's algorithm is one this verifier cannot check (it is then neither valid nor invalid).</param>
/// <param name="SigningTime">The signer's stated time of signing, if any (not a trusted time stamp).</param>
/// <param name="Signer">The signer certificate, or null.</param>
/// <param name="AssertionsIntact">True when every assertion the claim references is present with the hash the claim states.</param>
/// <param name="Binding">The hard binding result.</param>
/// <param name="Actions">The actions asserted.</param>
/// <param name="Ingredients">The ingredients asserted.</param>
/// <param name="Statuses">Every validation status, successes and failures.</param>
/// <param name="Assertions">Every assertion as JSON, by label (byte strings as base64).</param>
public sealed record C2paManifestCheck(string Source, bool Readable, string? Problem, string? ManifestLabel, int ManifestCount, int ClaimVersion,
    string? ClaimGenerator, string? Title, string? Algorithm, bool SignatureValid, bool SignatureChecked, DateTimeOffset? SigningTime, C2paSignerInfo? Signer,
    bool AssertionsIntact, C2paBinding Binding, IReadOnlyList<C2paAction> Actions, IReadOnlyList<C2paIngredient> Ingredients,
    IReadOnlyList<C2paStatus> Statuses, JsonObject Assertions)
{
    /// <summary>Failure codes only.</summary>
    public IEnumerable<C2paStatus> Failures => Statuses.Where(s => s.Failure);

    /// <summary>The store parsed, the signature and every assertion hash hold and the binding matches: only trust is open.</summary>
    public bool Intact => Readable && SignatureValid && AssertionsIntact && Binding.Matches == true;

    /// <summary>The Synthstage assertion, when present.</summary>
    public JsonNode? SynthstageRecord => Assertions[C2paLabels.Synthstage];

    /// <summary>The Synthstage assertion as a provenance record, or null when absent or not one.</summary>
    public Manifest.ProvenanceManifest? Record()
    {
        if (SynthstageRecord is not JsonObject record) return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<Manifest.ProvenanceManifest>(record, Manifest.ProvenanceManifest.JsonOptions);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>A store that could not be read.</summary>
    public static C2paManifestCheck Unreadable(string source, string problem) =>
        new(source, false, problem, null, 0, 0, null, null, null, false, true, null, null, false, new C2paBinding(null, null, "not checked: the manifest store is unreadable"),
            [], [], [new C2paStatus("claim.malformed", problem, true)], []);
}
