using Synthstage.Provenance.Manifest;

namespace Synthstage.Provenance;

/// <summary>
/// An output's manifest built and ready to sign before the output is written (<see cref="ProvenanceWriter.PrepareAsync"/>),
/// so the embedded copy can be handed to the encoder; <see cref="ProvenanceWriter.CompleteAsync"/> writes the sidecar.
/// </summary>
public sealed class PreparedManifest
{
    internal PreparedManifest(ProvenanceManifest manifest, SigningKey key, C2pa.C2paCredential credential)
    {
        Manifest = manifest;
        Key = key;
        Credential = credential;
    }

    /// <summary>The manifest as prepared; the sidecar adds the output's hash and the time the output was finished.</summary>
    public ProvenanceManifest Manifest { get; }

    internal SigningKey Key { get; }

    /// <summary>Signs the output's C2PA manifest store once the output is complete.</summary>
    internal C2pa.C2paCredential Credential { get; }

    /// <summary>
    /// The signed embedded copy as container tags for the encoder or the audio mux (MP4/MOV/WebM). Its <c>finished</c>
    /// time is when it was signed, before the encode ends: each copy states when it was signed.
    /// </summary>
    public IReadOnlyDictionary<string, string> ContainerTags() =>
        ManifestContainer.ContainerTags(ManifestSigner.Sign(Manifest with { Copy = "embedded" }, Key));
}
