using System.Security.Cryptography;
using System.Text;
using Synthstage.Models.Hub;
using Synthstage.Video;

namespace Synthstage.Models;

/// <summary>
/// Installed models across both places they live: Hub models in the Hugging Face cache (shared with Python tools),
/// npm and URL models in the <see cref="ModelStore"/>. Pulls, re-hashes and removes them.
/// </summary>
public static class ModelInventory
{
    /// <summary>Where <paramref name="entry"/> is installed, looking at the cache only (never the network).</summary>
    public static ModelStatus Status(CatalogEntry entry, ModelStore store, HubOptions hub)
    {
        string? folder = null;
        if (entry.Source.Kind == CatalogSource.HuggingFace)
            folder = HubDownloader.FindCached(new HubReference(entry.Source.Repository, entry.Source.Revision), entry.Source.Files, hub)?.Folder;
        else if (Directory.Exists(store.ModelFolder(entry.Id)) && Directory.EnumerateFiles(store.ModelFolder(entry.Id), "*.onnx").Any())
            folder = store.ModelFolder(entry.Id);
        return new ModelStatus(entry, folder is not null, folder, folder is null ? 0 : FolderSize(folder));
    }

    /// <summary>
    /// Makes a catalogued model (id) or any Hub model (<c>org/name[@revision]</c>) present and returns its folder.
    /// Hub models go to the Hugging Face cache, URL models to the store; files already there are reused, so nothing
    /// is downloaded twice.
    /// </summary>
    /// <exception cref="SynthstageException">Unknown id (with the nearest ids), an npm model (install it with
    /// <c>models install</c>), a checksum mismatch, and every failure of <see cref="HubDownloader.PullAsync"/>.</exception>
    public static async Task<PulledModel> PullAsync(string idOrHubName, ModelStore store, HubOptions hub,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken = default)
    {
        if (ModelCatalog.Find(idOrHubName) is { Source.Kind: "url" } entry)
            return await PullUrlAsync(entry, store, hub, progress, cancellationToken).ConfigureAwait(false);
        var (reference, patterns) = HubSource(idOrHubName);
        var snapshot = await HubDownloader.PullAsync(reference, patterns, hub, progress, cancellationToken).ConfigureAwait(false);
        return new PulledModel(idOrHubName, snapshot.Folder, snapshot.Files, snapshot.Commit, snapshot.DownloadedBytes);
    }

    private static async Task<PulledModel> PullUrlAsync(CatalogEntry entry, ModelStore store, HubOptions hub,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken)
    {
        var file = entry.Files.Single();
        var folder = store.ModelFolder(entry.Id);
        var target = Path.Combine(folder, file.InstallAs);
        if (File.Exists(target)) return new PulledModel(entry.Id, folder, [file.InstallAs], entry.Source.Version, 0);
        if (hub.Offline)
            throw new SynthstageException($"'{entry.Id}' is not installed and HF_HUB_OFFLINE is set; unset it to download {entry.Source.Url}", ExitCodes.BadModel);
        try { Directory.CreateDirectory(folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write to the model store '{store.Root}' ({e.Message}); set {ModelStore.HomeVariable} to a writable folder", ExitCodes.BadOutput, e);
        }
        var partial = target + ".incomplete";
        long fetched = 0;
        using var client = new HubClient(hub with { Token = null }); // the Hub token is not for other hosts
        var actual = await client.DownloadUrlAsync(new Uri(entry.Source.Url!), new HubReference(entry.Source.Package, entry.Source.Version), partial,
            (bytes, fromNetwork) =>
            {
                if (fromNetwork) fetched += bytes;
                progress?.Report(new PipelineProgress("download", fromNetwork ? fetched : bytes, entry.Size, entry.Id));
            }, cancellationToken).ConfigureAwait(false);
        if (file.Sha256 is { } expected && !string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new SynthstageException($"{entry.Source.Url} has SHA-256 {actual}, expected {expected}; it was deleted and not used", ExitCodes.BadModel);
        }
        // Without a catalogued hash, record the one seen now so `models verify` can detect later damage.
        if (file.Sha256 is null) await File.WriteAllTextAsync(target + ".sha256", actual, cancellationToken).ConfigureAwait(false);
        File.Move(partial, target, overwrite: true);
        return new PulledModel(entry.Id, folder, [file.InstallAs], entry.Source.Version, fetched);
    }

    /// <summary>Re-hashes the files of one installed model, or of every installed one when <paramref name="idOrHubName"/> is null.</summary>
    /// <remarks>Hub files are checked against the hash their blob is named after (LFS SHA-256, or git blob id);
    /// files in the store against the catalog's SHA-256 where it records one.</remarks>
    public static IReadOnlyList<VerifiedFile> Verify(string? idOrHubName, ModelStore store, HubOptions hub, CancellationToken cancellationToken = default)
    {
        var results = new List<VerifiedFile>();
        var targets = idOrHubName is null
            ? ModelCatalog.All.Select(e => e.Id).ToList()
            : [idOrHubName];
        foreach (var target in targets)
        {
            var entry = ModelCatalog.Find(target);
            if (entry is not null && entry.Source.Kind != CatalogSource.HuggingFace)
            {
                var status = Status(entry, store, hub);
                if (!status.Installed) { if (idOrHubName is not null) results.Add(new VerifiedFile(entry.Id, store.ModelFolder(entry.Id), false, "not installed")); continue; }
                foreach (var file in Directory.EnumerateFiles(status.Folder!, "*.onnx"))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var expected = entry.Files.FirstOrDefault(f => f.InstallAs == Path.GetFileName(file) && f.Name == f.InstallAs)?.Sha256
                        ?? (File.Exists(file + ".sha256") ? File.ReadAllText(file + ".sha256").Trim() : null);
                    if (expected is null) { results.Add(new VerifiedFile(entry.Id, file, true, "no recorded SHA-256 for the converted file; present")); continue; }
                    var actual = NpmPackageFetcher.Sha256OfFile(file);
                    results.Add(new VerifiedFile(entry.Id, file, actual == expected, $"sha256 {actual}, expected {expected}"));
                }
                continue;
            }
            var (reference, patterns) = HubSource(target);
            var snapshot = HubDownloader.FindCached(reference, patterns, hub);
            if (snapshot is null)
            {
                if (idOrHubName is not null) results.Add(new VerifiedFile(target, new HubCache(hub.CacheFolder).RepoFolder(reference), false, "not in the Hugging Face cache"));
                continue;
            }
            foreach (var (path, fullPath, blob) in new HubCache(hub.CacheFolder).SnapshotFiles(snapshot.Folder))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!snapshot.Files.Contains(path)) continue;
                var expected = Path.GetFileName(blob);
                if (expected is null) { results.Add(new VerifiedFile(target, fullPath, true, "a copy, not a link to a blob: no recorded hash")); continue; }
                if (!File.Exists(blob)) { results.Add(new VerifiedFile(target, fullPath, false, $"blob {blob} is missing")); continue; }
                var actual = expected.Length == 64 ? NpmPackageFetcher.Sha256OfFile(blob) : GitBlobId(blob);
                results.Add(new VerifiedFile(target, fullPath, actual == expected, $"{(expected.Length == 64 ? "sha256" : "git blob")} {actual}, expected {expected}"));
            }
        }
        return results;
    }

    /// <summary>Removes an installed model: its store folder, or its Hub snapshot, the refs to it and every blob no
    /// other snapshot uses. Returns the bytes freed.</summary>
    /// <exception cref="SynthstageException">Not installed (BadInput) or unknown id (Usage).</exception>
    public static long Remove(string idOrHubName, ModelStore store, HubOptions hub)
    {
        var entry = ModelCatalog.Find(idOrHubName);
        if (entry is not null && entry.Source.Kind != CatalogSource.HuggingFace)
        {
            var folder = store.ModelFolder(entry.Id);
            if (!Directory.Exists(folder)) throw new SynthstageException($"'{entry.Id}' is not installed ({folder} does not exist)", ExitCodes.BadInput);
            var size = FolderSize(folder);
            Directory.Delete(folder, recursive: true);
            return size;
        }
        var (reference, _) = HubSource(idOrHubName);
        var cache = new HubCache(hub.CacheFolder);
        var commit = cache.ResolveCommit(reference)
            ?? throw new SynthstageException($"{reference} is not in the Hugging Face cache {cache.Folder}", ExitCodes.BadInput);
        var repo = cache.RepoFolder(reference);
        var snapshot = cache.SnapshotFolder(reference, commit);
        var blobs = cache.SnapshotFiles(snapshot).Select(f => f.Blob).OfType<string>().ToHashSet();
        Directory.Delete(snapshot, recursive: true);
        var refs = Path.Combine(repo, "refs");
        if (Directory.Exists(refs))
            foreach (var file in Directory.EnumerateFiles(refs, "*", SearchOption.AllDirectories))
                if (File.ReadAllText(file).Trim() == commit) File.Delete(file);
        var stillUsed = Directory.EnumerateDirectories(Path.Combine(repo, "snapshots"))
            .SelectMany(s => cache.SnapshotFiles(s)).Select(f => f.Blob).OfType<string>().ToHashSet();
        long freed = 0;
        foreach (var blob in blobs.Where(b => !stillUsed.Contains(b) && File.Exists(b)))
        {
            freed += new FileInfo(blob).Length;
            File.Delete(blob);
        }
        if (!Directory.EnumerateDirectories(Path.Combine(repo, "snapshots")).Any()) Directory.Delete(repo, recursive: true);
        return freed;
    }

    /// <summary>The Hub repository, revision and file patterns behind a catalog id or a Hub name.</summary>
    /// <exception cref="SynthstageException">Neither a Hub-sourced catalog id nor <c>org/name[@revision]</c>.</exception>
    public static (HubReference Reference, IReadOnlyList<string>? Patterns) HubSource(string idOrHubName)
    {
        var entry = ModelCatalog.Find(idOrHubName);
        if (entry is not null)
        {
            if (entry.Source.Kind != CatalogSource.HuggingFace)
                throw new SynthstageException($"'{entry.Id}' comes from {entry.Source.Kind} ({entry.Source.Package}), not the Hugging Face Hub; install it with: synthstage models install {entry.Id}", ExitCodes.Usage);
            return (new HubReference(entry.Source.Repository, entry.Source.Revision), entry.Source.Files);
        }
        if (HubReference.IsHubName(idOrHubName)) return (HubReference.Parse(idOrHubName), null);
        throw new SynthstageException($"unknown model '{idOrHubName}'; {ModelCatalog.Suggest(idOrHubName)}", ExitCodes.Usage);
    }

    private static string GitBlobId(string path)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {new FileInfo(path).Length}\0"));
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0) sha1.AppendData(buffer, 0, read);
        return Convert.ToHexStringLower(sha1.GetHashAndReset());
    }

    // Snapshot entries are links: count the blobs they point to.
    private static long FolderSize(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f)).Select(f => f.LinkTarget is null ? f : f.ResolveLinkTarget(returnFinalTarget: true) as FileInfo)
            .Sum(f => f is { Exists: true } ? f.Length : 0);
}
