using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>One manifest copy found for a file and how it checked out.</summary>
/// <param name="Source">"sidecar" (with its path) or "embedded".</param>
/// <param name="Signature">Whether the signature matches the content.</param>
/// <param name="SignerFingerprint">Fingerprint of the signing key, when readable.</param>
/// <param name="SignedByLocalKey">True when the signer is this user's own key.</param>
/// <param name="Manifest">The parsed manifest, or null when it could not be parsed.</param>
/// <param name="Problem">Why it could not be parsed, or null.</param>
public sealed record ManifestCheck(string Source, SignatureStatus Signature, string? SignerFingerprint, bool SignedByLocalKey,
    ProvenanceManifest? Manifest, string? Problem);

/// <summary>The watermark verdict for a whole file.</summary>
/// <param name="Scanned">True when frames could be decoded.</param>
/// <param name="Segments">One-second segments (or 1 for an image) examined.</param>
/// <param name="SegmentsFound">Segments in which the watermark decoded.</param>
/// <param name="Payload">The payload found most often, as 8 hex digits, or null.</param>
/// <param name="Confidence">Highest confidence among the segments carrying <paramref name="Payload"/>.</param>
/// <param name="Found">The file-level verdict: the payload decoded in one segment of a file of at most two segments, or
/// in at least two segments otherwise (so a single chance detection in a long file does not count).</param>
/// <param name="Problem">Why frames could not be decoded, or null.</param>
/// <param name="PerSegment">Every segment's detection.</param>
public sealed record WatermarkCheck(bool Scanned, int Segments, int SegmentsFound, string? Payload, double Confidence, bool Found,
    string? Problem, IReadOnlyList<SegmentDetection> PerSegment);

/// <summary>Everything <c>synthstage verify</c> learned about a file.</summary>
/// <param name="Path">The file checked.</param>
/// <param name="Sha256">The file's SHA-256 (null for a folder or unreadable file).</param>
/// <param name="Manifests">The sidecar and embedded manifests found (possibly none).</param>
/// <param name="HashMatches">True/false when a sidecar states the output's hash; null when no manifest states one.</param>
/// <param name="Watermark">The watermark verdict.</param>
public sealed record VerificationReport(string Path, string? Sha256, IReadOnlyList<ManifestCheck> Manifests, bool? HashMatches, WatermarkCheck Watermark)
{
    /// <summary>The C2PA content credentials found in or beside the file and how each checked out.</summary>
    public CredentialsCheck Credentials { get; init; } = new(null, [], null, false);

    /// <summary>True when neither a manifest, content credentials nor a watermark was found.</summary>
    public bool NothingFound => Manifests.Count == 0 && Credentials.Manifests.Count == 0 && !Watermark.Found;

    /// <summary>True when some manifest's signature does not match its content.</summary>
    public bool Tampered => Manifests.Any(m => m.Signature == SignatureStatus.Invalid);

    /// <summary>The Synthstage record of intact content credentials, else the first validly signed older manifest, or null.</summary>
    public ProvenanceManifest? TrustedManifest =>
        Credentials.Manifests.Where(m => m.Intact).Select(m => m.Record()).FirstOrDefault(r => r is not null)
        ?? Manifests.FirstOrDefault(m => m.Signature == SignatureStatus.Valid && m.Manifest is not null)?.Manifest;

    /// <summary>The process exit code <c>synthstage verify</c> returns for this report (see <see cref="VerifyExitCodes"/>).</summary>
    public int ExitCode =>
        Credentials.ExitCode is { } c2pa ? c2pa
        : Tampered ? VerifyExitCodes.ManifestTampered
        : HashMatches == false ? VerifyExitCodes.FileChanged
        : NothingFound && !Watermark.Scanned ? ExitCodes.BadInput
        : ExitCodes.Success;
}

/// <summary>Exit codes of <c>synthstage verify</c> beyond the common ones.</summary>
public static class VerifyExitCodes
{
    /// <summary>A manifest's signature does not match its content: it was changed after signing.</summary>
    public const int ManifestTampered = 6;

    /// <summary>A validly signed manifest states a different hash, or the content credentials' hard binding fails: the file was re-encoded or edited after it was made.</summary>
    public const int FileChanged = 7;

    /// <summary>A C2PA manifest store is corrupt or truncated, or the file carries more than one.</summary>
    public const int ManifestUnreadable = 8;

    /// <summary>The content credentials' signer certificate has expired, is not yet valid or breaks the C2PA certificate profile.</summary>
    public const int CredentialInvalid = 9;
}

/// <summary>The C2PA content credentials of a file.</summary>
/// <param name="Container">png, jpeg or bmff when C2PA can be embedded in the file's container; null otherwise (only a <c>.c2pa</c> sidecar is looked for).</param>
/// <param name="Manifests">Each manifest store found (embedded, then the sidecar) and its check.</param>
/// <param name="Problem">Why the file's structure could not be searched, or why the stores cannot be relied on; null when neither.</param>
/// <param name="MultipleStores">True when the file embeds more than one manifest store.</param>
public sealed record CredentialsCheck(string? Container, IReadOnlyList<C2pa.C2paManifestCheck> Manifests, string? Problem, bool MultipleStores)
{
    /// <summary>The exit code the credentials call for, worst first; null when they are intact or absent.</summary>
    public int? ExitCode =>
        MultipleStores || Manifests.Any(m => !m.Readable) || (Problem is not null && Container is not null) ? VerifyExitCodes.ManifestUnreadable
        : Manifests.Any(m => (m.SignatureChecked && !m.SignatureValid) || !m.AssertionsIntact) ? VerifyExitCodes.ManifestTampered
        : Manifests.Any(m => m.Binding.Matches == false || m.Binding.Assertion is null) ? VerifyExitCodes.FileChanged
        : Manifests.Any(m => m.Failures.Any(f => f.Code.StartsWith("signingCredential.", StringComparison.Ordinal))) ? VerifyExitCodes.CredentialInvalid
        : null;
}
