using Synthstage.Provenance.Manifest;
using Synthstage.Provenance.Watermarking;

namespace Synthstage.Provenance;

/// <summary>How an output is marked. By default: C2PA content credentials and the invisible watermark.</summary>
public sealed record ProvenanceOptions
{
    /// <summary>Sign the output with C2PA content credentials (inside it, or a <c>.c2pa</c> sidecar where the format has no embedding).</summary>
    public bool Manifest { get; init; } = true;

    /// <summary>Embed the invisible watermark in every frame (<c>--no-watermark</c> turns it off; the manifest says so).</summary>
    public bool Watermark { get; init; } = true;

    /// <summary>Why the watermark is off when <see cref="Watermark"/> is false (recorded in the manifest).</summary>
    public string? WatermarkNote { get; init; }

    /// <summary>Visible corner label text (for example "AI-generated"), or null for none.</summary>
    public string? Label { get; init; }

    /// <summary>RMS luma change of the watermark in 8-bit levels.</summary>
    public double WatermarkStrength { get; init; } = WatermarkEmbedder.DefaultStrength;

    /// <summary>The command line to record (arguments after the program name); empty for library calls.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = [];

    /// <summary>Where the signing key lives; null for the user's config folder (<see cref="SigningKeyStore.Default"/>).</summary>
    public SigningKeyStore? KeyStore { get; init; }

    /// <summary>
    /// The user's own C2PA certificate chain (PEM, signer first) and private key (<c>--sign-cert</c>/<c>--sign-key</c>);
    /// null for the self-made credential in the key folder (<see cref="C2pa.C2paCredentialStore"/>).
    /// </summary>
    public C2paCredentialFiles? SigningCredential { get; init; }

    /// <summary>No manifest, no watermark, no label (for tests and intermediate files).</summary>
    public static ProvenanceOptions None { get; } = new() { Manifest = false, Watermark = false, WatermarkNote = "provenance disabled by the caller" };
}

/// <summary>A C2PA signing credential given as files.</summary>
/// <param name="CertificatePath">PEM certificate chain, the signer's certificate first.</param>
/// <param name="KeyPath">PEM private key (P-256, PKCS#8 or SEC1) of the signer's certificate.</param>
public sealed record C2paCredentialFiles(string CertificatePath, string KeyPath);
