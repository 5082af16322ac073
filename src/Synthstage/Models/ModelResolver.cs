using Synthstage.Models.Hub;
using Synthstage.Video;

namespace Synthstage.Models;

/// <summary>
/// Turns what a user typed for a model (<c>--model</c>) into a folder: an existing folder as it is, a catalog id
/// or a Hub name <c>org/name[@revision]</c> through the cache, downloading what is missing.
/// </summary>
public static class ModelResolver
{
    /// <summary>The folder of <paramref name="nameOrPathOrId"/>.</summary>
    /// <param name="nameOrPathOrId">A folder, a catalog id ("sd-turbo") or a Hub name ("org/name@rev").</param>
    /// <param name="hub">Hub settings; <see cref="HubOptions.FromEnvironment"/> when null.</param>
    /// <param name="store">The model store for npm/URL models; <see cref="ModelStore.Default"/> when null.</param>
    /// <param name="download">False to look in the caches only and never connect.</param>
    /// <param name="progress">Download progress in bytes.</param>
    /// <param name="cancellationToken">Stops a download (partial files stay for resume).</param>
    /// <exception cref="SynthstageException">Unknown (with the nearest ids), not installed when
    /// <paramref name="download"/> is false, or any download failure.</exception>
    public static async Task<string> ResolveAsync(string nameOrPathOrId, HubOptions? hub = null, ModelStore? store = null,
        bool download = true, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPathOrId);
        hub ??= HubOptions.FromEnvironment();
        store ??= ModelStore.Default;
        if (Directory.Exists(nameOrPathOrId)) return Path.GetFullPath(nameOrPathOrId);

        var entry = ModelCatalog.Find(nameOrPathOrId);
        if (entry is not null && entry.Source.Kind != CatalogSource.HuggingFace)
        {
            var status = ModelInventory.Status(entry, store, hub);
            if (status.Folder is not null) return status.Folder;
            var isUrl = entry.Source.Kind == "url";
            if (download && isUrl)
                return (await ModelInventory.PullAsync(entry.Id, store, hub, progress, cancellationToken).ConfigureAwait(false)).Folder;
            throw new SynthstageException($"'{entry.Id}' is not installed; run: synthstage models {(isUrl ? "pull" : "install")} {entry.Id}", ExitCodes.BadModel);
        }
        if (entry is null && !HubReference.IsHubName(nameOrPathOrId))
            throw new SynthstageException($"'{nameOrPathOrId}' is neither a folder, a catalog id nor a Hub name (org/name); {ModelCatalog.Suggest(nameOrPathOrId)}", ExitCodes.Usage);

        var (reference, patterns) = ModelInventory.HubSource(nameOrPathOrId);
        if (!download)
            return HubDownloader.FindCached(reference, patterns, hub)?.Folder
                ?? throw new SynthstageException($"{nameOrPathOrId} is not downloaded yet; run: synthstage models pull {nameOrPathOrId}", ExitCodes.BadModel);
        var pulled = await ModelInventory.PullAsync(nameOrPathOrId, store, hub, progress, cancellationToken).ConfigureAwait(false);
        return pulled.Folder;
    }
}
