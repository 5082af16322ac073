using System.Text.RegularExpressions;
using Synthstage.Video;

namespace Synthstage.Models.Hub;

/// <summary>
/// Makes a Hub repository (or the files of it matching some patterns) present in the Hugging Face cache: lists it,
/// reuses every blob already cached (by this tool or by Python), downloads the rest several at a time with one
/// overall progress, checks each file's hash, and only then links it into <c>snapshots/&lt;commit&gt;/</c>.
/// </summary>
public static class HubDownloader
{
    /// <summary>Downloads what is missing and returns the snapshot.</summary>
    /// <param name="reference">Repository and revision.</param>
    /// <param name="patterns">Glob patterns of the files wanted (<c>*</c> also crosses '/', as in huggingface_hub's
    /// allow_patterns); all files when null or empty.</param>
    /// <param name="options">Endpoint, token, cache folder, offline switch, parallelism.</param>
    /// <param name="progress">Receives "download" progress in bytes over all files.</param>
    /// <param name="cancellationToken">Stops the downloads; partial files stay for the next call.</param>
    /// <exception cref="SynthstageException">Offline and not cached; gated; not found; unreachable; a hash mismatch
    /// (BadModel, the bad file is deleted and nothing is linked); the cache not writable or the disk full (BadOutput,
    /// partial files kept).</exception>
    public static async Task<HubSnapshot> PullAsync(HubReference reference, IReadOnlyList<string>? patterns, HubOptions options,
        IProgress<PipelineProgress>? progress, CancellationToken cancellationToken = default)
    {
        var cache = new HubCache(options.CacheFolder);
        if (options.Offline) return FromCache(reference, patterns, cache);

        using var client = new HubClient(options);
        var (commit, listed) = await client.ListFilesAsync(reference, cancellationToken).ConfigureAwait(false);
        if (!HubCache.CommitPattern().IsMatch(commit))
            throw new SynthstageException($"{options.Endpoint} gave '{commit}' as the commit of {reference}, which is not a commit hash", ExitCodes.Failure);
        var matcher = Matcher(patterns);
        var wanted = listed.Where(f => matcher(f.Path)).ToList();
        if (wanted.Count == 0)
            throw new SynthstageException($"no file of {reference} matches {string.Join(", ", patterns ?? [])}", ExitCodes.BadModel);
        foreach (var file in wanted)
            if (file.Path.Split('/').Any(part => part is "" or "." or ".."))
                throw new SynthstageException($"{reference} lists an unsafe file name '{file.Path}'; refusing to write it", ExitCodes.BadModel);

        EnsureWritable(cache, reference);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelDownloads), CancellationToken = cancellationToken };
        var unlinked = wanted.Where(f => !cache.HasSnapshotFile(reference, commit, f.Path)).ToArray();
        // A listing without blob ids (a mirror's) leaves the blob names to the resolve URLs' ETag headers.
        await Parallel.ForAsync(0, unlinked.Length, parallel, async (i, ct) =>
            unlinked[i] = await client.ResolveAsync(reference, commit, unlinked[i], ct).ConfigureAwait(false)).ConfigureAwait(false);

        // Link what is already cached (a blob with the same hash, from any earlier pull) without a request. Files
        // with the same content share one blob: download it once, then link every path to it.
        var missing = new List<HubFile>();
        var sharing = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var file in unlinked)
        {
            if (File.Exists(cache.BlobPath(reference, file.Etag))) cache.Link(reference, commit, file.Path, file.Etag);
            else if (sharing.TryGetValue(file.Etag, out var paths)) paths.Add(file.Path);
            else
            {
                missing.Add(file);
                sharing[file.Etag] = [];
            }
        }

        var total = missing.Sum(f => Math.Max(0, f.Size));
        CheckFreeSpace(cache, reference, missing);
        long done = 0, fetched = 0;
        var finished = 0;
        void Report(string detail) => progress?.Report(new PipelineProgress("download", Interlocked.Read(ref done), total, detail));
        if (missing.Count > 0) Report($"{reference.Repository}: 0/{missing.Count} files");

        // Largest first, so the long pole starts at once and the small files fill in beside it.
        await Parallel.ForEachAsync(missing.OrderByDescending(f => f.Size), parallel,
            async (file, ct) =>
            {
                await DownloadOneAsync(client, cache, reference, commit, file, options.MaxResumes, (delta, fromNetwork) =>
                {
                    Interlocked.Add(ref done, delta);
                    if (fromNetwork) Interlocked.Add(ref fetched, delta);
                    Report($"{reference.Repository}: {Volatile.Read(ref finished)}/{missing.Count} files");
                }, ct).ConfigureAwait(false);
                cache.Link(reference, commit, file.Path, file.Etag);
                foreach (var path in sharing[file.Etag]) cache.Link(reference, commit, path, file.Etag);
                Interlocked.Increment(ref finished);
                Report($"{reference.Repository}: {Volatile.Read(ref finished)}/{missing.Count} files");
            }).ConfigureAwait(false);

        cache.WriteRef(reference, commit);
        return new HubSnapshot(reference, commit, cache.SnapshotFolder(reference, commit), wanted.Select(f => f.Path).ToList(), Interlocked.Read(ref fetched));
    }

    /// <summary>The cached snapshot of <paramref name="reference"/> without any network access, or null when the
    /// revision or none of the wanted files is cached.</summary>
    public static HubSnapshot? FindCached(HubReference reference, IReadOnlyList<string>? patterns, HubOptions options)
    {
        var cache = new HubCache(options.CacheFolder);
        var commit = cache.ResolveCommit(reference);
        if (commit is null) return null;
        var folder = cache.SnapshotFolder(reference, commit);
        var matcher = Matcher(patterns);
        var files = cache.SnapshotFiles(folder).Where(f => matcher(f.Path) && File.Exists(f.FullPath)).Select(f => f.Path).ToList();
        return files.Count == 0 ? null : new HubSnapshot(reference, commit, folder, files, 0);
    }

    private static HubSnapshot FromCache(HubReference reference, IReadOnlyList<string>? patterns, HubCache cache) =>
        FindCached(reference, patterns, new HubOptions { CacheFolder = cache.Folder })
        ?? throw new SynthstageException($"{reference} is not in the Hugging Face cache {cache.Folder} and HF_HUB_OFFLINE is set; unset it to download, or set HF_HUB_CACHE/HF_HOME to the cache that has it", ExitCodes.BadModel);

    private static void EnsureWritable(HubCache cache, HubReference reference)
    {
        try
        {
            Directory.CreateDirectory(Path.Combine(cache.RepoFolder(reference), "blobs"));
            Directory.CreateDirectory(Path.Combine(cache.RepoFolder(reference), "snapshots"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot write to the Hugging Face cache '{cache.Folder}' ({e.Message}); set HF_HUB_CACHE or HF_HOME to a writable folder", ExitCodes.BadOutput, e);
        }
    }

    // Fail before the first byte rather than hours later; a disk that fills up anyway is caught on write.
    private static void CheckFreeSpace(HubCache cache, HubReference reference, IReadOnlyList<HubFile> missing)
    {
        var needed = missing.Sum(f =>
        {
            var partial = new FileInfo(cache.BlobPath(reference, f.Etag) + ".incomplete");
            return Math.Max(0, f.Size - (partial.Exists ? partial.Length : 0));
        });
        long free;
        try { free = new DriveInfo(cache.RepoFolder(reference)).AvailableFreeSpace; }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException) { return; }
        if (free > 0 && needed > free)
            throw new SynthstageException($"{reference} needs {needed / 1e9:0.00} GB but only {free / 1e9:0.00} GB are free in {cache.Folder}; free some space or set HF_HUB_CACHE to a larger disk", ExitCodes.BadOutput);
    }

    private static async Task DownloadOneAsync(HubClient client, HubCache cache, HubReference reference, string commit, HubFile file,
        int maxResumes, Action<long, bool> onBytes, CancellationToken cancellationToken)
    {
        var blob = cache.BlobPath(reference, file.Etag);
        var partial = blob + ".incomplete";
        var fileDone = 0L;
        for (var attempt = 0; ; attempt++)
        {
            string actual;
            try
            {
                actual = await client.DownloadAsync(reference, commit, file, partial, (bytes, fromNetwork) =>
                {
                    // A position (bytes already on disk) replaces what this file counted so far; network bytes add.
                    var delta = fromNetwork ? bytes : bytes - fileDone;
                    fileDone += delta;
                    onBytes(delta, fromNetwork);
                }, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (attempt < maxResumes && !cancellationToken.IsCancellationRequested)
            {
                continue; // the connection dropped: resume from the partial file
            }
            catch (IOException e)
            {
                throw new SynthstageException($"the download of {file.Path} from {reference} was interrupted ({e.Message}); run the pull again to resume from {new FileInfo(partial).Length} bytes", ExitCodes.Failure, e);
            }
            if (!string.Equals(actual, file.Etag, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(partial);
                throw new SynthstageException($"{file.Path} from {reference} is corrupt: its {(file.Sha256 is null ? "git blob id" : "SHA-256")} is {actual}, expected {file.Etag}; it was deleted and not used, run the pull again", ExitCodes.BadModel);
            }
            File.Move(partial, blob, overwrite: true);
            return;
        }

    }

    private static Func<string, bool> Matcher(IReadOnlyList<string>? patterns)
    {
        if (patterns is null || patterns.Count == 0) return _ => true;
        var regexes = patterns.Select(p => new Regex("^" + Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$")).ToArray();
        return path => regexes.Any(r => r.IsMatch(path));
    }
}
