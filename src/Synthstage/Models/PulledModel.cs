namespace Synthstage.Models;

/// <summary>A model made present by <see cref="ModelInventory.PullAsync"/>.</summary>
/// <param name="Name">Catalog id or Hub name as given.</param>
/// <param name="Folder">The folder holding its files (a Hub snapshot, or the store folder).</param>
/// <param name="Files">Paths of its files inside <paramref name="Folder"/>, '/'-separated.</param>
/// <param name="Revision">The commit (Hub) or version (URL) the files are from.</param>
/// <param name="DownloadedBytes">Bytes fetched over the network by this call (0 when everything was cached).</param>
public sealed record PulledModel(string Name, string Folder, IReadOnlyList<string> Files, string Revision, long DownloadedBytes);
