namespace Synthstage.Models.Hub;

/// <summary>A repository's files present in the cache at one commit.</summary>
/// <param name="Reference">The repository and the revision asked for.</param>
/// <param name="Commit">The commit hash the revision resolved to.</param>
/// <param name="Folder">The snapshot folder, <c>…/models--org--name/snapshots/&lt;commit&gt;</c>.</param>
/// <param name="Files">Paths of the files inside <paramref name="Folder"/>, '/'-separated.</param>
/// <param name="DownloadedBytes">Bytes fetched over the network by this call (0 when everything came from the cache).</param>
public sealed record HubSnapshot(HubReference Reference, string Commit, string Folder, IReadOnlyList<string> Files, long DownloadedBytes);
