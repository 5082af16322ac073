namespace Synthstage.Provenance;

/// <summary>
/// An output's provenance record and signing credential, ready before the output is written
/// (<see cref="ProvenanceWriter.PrepareAsync"/>); <see cref="ProvenanceWriter.CompleteAsync"/> signs the finished file.
/// </summary>
public sealed class PreparedManifest
{
    internal PreparedManifest(Manifest.ProvenanceManifest manifest, C2pa.C2paCredential credential)
    {
        Manifest = manifest;
        Credential = credential;
    }

    /// <summary>The record as prepared; signing adds the time the output was finished.</summary>
    public Manifest.ProvenanceManifest Manifest { get; }

    /// <summary>Signs the output's C2PA manifest store once the output is complete.</summary>
    internal C2pa.C2paCredential Credential { get; }
}
