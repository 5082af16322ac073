using System.Diagnostics;

namespace Synthstage.Sharding;

/// <summary>
/// Renders one shard of a planned job, idempotently: a finished shard (its receipt and video in <c>shards/</c>) is
/// skipped; an unfinished one is continued from the attempt folder it left in <c>work/</c>; two workers given the same
/// index each render in an attempt folder of their own and publish by rename, so neither sees the other's half-written files.
/// </summary>
/// <remarks>
/// An attempt folder is owned by whoever holds its <c>lock</c> file open (an exclusive advisory lock, released when the
/// process dies, however it dies): a worker adopts an attempt nobody holds — the one a killed worker left — and starts a
/// new one when every attempt is held. On NFS this needs working <c>flock</c> (NFSv4, or v3 with lockd).
/// </remarks>
public static class ShardWorker
{
    /// <summary>The folder of unfinished attempts inside the job folder.</summary>
    public const string WorkFolderName = "work";

    /// <summary>Renders shard <paramref name="index"/> of the job in <paramref name="jobFolder"/>.</summary>
    /// <param name="jobFolder">The job folder.</param>
    /// <param name="manifest">Its manifest, as read (and checked) from it.</param>
    /// <param name="render">The render rebuilt from the manifest's arguments by this worker.</param>
    /// <param name="index">The shard.</param>
    /// <param name="progress">The render's progress.</param>
    /// <param name="ct">Stops the render; what was stored stays for the next attempt.</param>
    /// <exception cref="SynthstageException">Index out of range, another version, other parameters or files than planned (the message names the shard).</exception>
    public static async Task<ShardOutcome> RunAsync(string jobFolder, JobManifest manifest, IShardableRender render, int index,
        IProgress<PipelineProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(render);
        var clock = Stopwatch.StartNew();
        var range = manifest.Shard(index);
        JobConsistency.CheckVersion(manifest, range.Name);
        JobConsistency.CheckParameters(manifest, render, range.Name);
        var video = ShardReceipt.VideoPath(jobFolder, index, manifest.Extension);
        if (IsFinished(jobFolder, manifest, range, video)) return new ShardOutcome(range, video, Skipped: true, clock.Elapsed);
        var models = await JobConsistency.CheckFilesAsync(manifest, range.Name, ct).ConfigureAwait(false);

        var (attempt, hold) = TakeAttempt(Path.Combine(jobFolder, WorkFolderName, $"shard-{index:D4}"));
        var rendered = Path.Combine(attempt, "shard" + manifest.Extension);
        using (hold)
        {
            await render.RenderAsync(range, rendered, manifest.ContentId, progress, ct).ConfigureAwait(false);
            // The video first, then the receipt: a receipt always finds its video in place.
            File.Move(rendered, video, overwrite: true);
            new ShardReceipt(index, manifest.Digest, Provenance.ProvenanceWriter.ToolVersion, JobManifest.DigestOf(render.Parameters), models,
                range.Start, range.End, new FileInfo(video).Length).Write(jobFolder);
        }
        TryDelete(attempt);
        return new ShardOutcome(range, video, Skipped: false, clock.Elapsed);
    }

    private static bool IsFinished(string jobFolder, JobManifest manifest, ShardRange range, string video)
    {
        var receipt = ShardReceipt.TryRead(jobFolder, range.Index);
        return receipt is not null && File.Exists(video) && receipt.JobDigest == manifest.Digest && receipt.Version == manifest.Version
            && receipt.Bytes == new FileInfo(video).Length;
    }

    // An attempt nobody holds (left by a killed worker: continue it), else a new one.
    private static (string Folder, FileStream Lock) TakeAttempt(string shardWork)
    {
        Directory.CreateDirectory(shardWork);
        foreach (var folder in Directory.EnumerateDirectories(shardWork, "attempt-*").Order(StringComparer.Ordinal))
            if (TryLock(folder) is { } held) return (folder, held);
        var fresh = Path.Combine(shardWork, $"attempt-{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(fresh);
        return (fresh, TryLock(fresh) ?? throw new SynthstageException($"cannot lock the new attempt folder '{fresh}'", ExitCodes.BadOutput));
    }

    private static FileStream? TryLock(string folder)
    {
        try
        {
            // FileShare.None is an exclusive flock on Unix: a second holder gets an IOException until this process exits.
            return new FileStream(Path.Combine(folder, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
            var shardWork = Path.GetDirectoryName(folder)!;
            if (!Directory.EnumerateFileSystemEntries(shardWork).Any()) Directory.Delete(shardWork);
        }
        catch (IOException)
        {
            // Another worker adopted it a moment ago; it cleans up after itself.
        }
    }
}

/// <summary>What <see cref="ShardWorker.RunAsync"/> did.</summary>
/// <param name="Range">The shard.</param>
/// <param name="VideoPath">Its finished video.</param>
/// <param name="Skipped">True when it was already finished.</param>
/// <param name="Elapsed">Time taken.</param>
public sealed record ShardOutcome(ShardRange Range, string VideoPath, bool Skipped, TimeSpan Elapsed);
