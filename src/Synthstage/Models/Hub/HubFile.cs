namespace Synthstage.Models.Hub;

/// <summary>One file of a Hub repository at a commit, as listed by <c>/api/models/{repo}/revision/{rev}?blobs=true</c>.</summary>
/// <param name="Path">Path inside the repository, '/'-separated ("unet/model.onnx").</param>
/// <param name="Size">Size in bytes; -1 when the listing did not give it.</param>
/// <param name="BlobId">Git blob id (SHA-1 of "blob {size}\0" + content) for a regular file; for an LFS file the
/// SHA-1 of its pointer; empty when the listing named the file only (<see cref="HubClient.ResolveAsync"/> fills it in).</param>
/// <param name="Sha256">SHA-256 of the content for an LFS file; null for a regular file or when not listed.</param>
public sealed record HubFile(string Path, long Size, string BlobId, string? Sha256)
{
    /// <summary>The content hash the cache names the blob after (the Hub's ETag): the LFS SHA-256, else the git blob
    /// id; empty until known.</summary>
    public string Etag => Sha256 ?? BlobId;
}
