using System.Security.Cryptography;
using System.Text;

namespace Synthstage.Provenance.Manifest;

/// <summary>SHA-256 of files and folders for manifests.</summary>
public static class FileDigest
{
    /// <summary>Lower-case hex SHA-256 of a file, or of a folder as the sorted "name sha256" lines of its files.</summary>
    /// <returns>The digest and the total size in bytes.</returns>
    public static async Task<(string Sha256, long Bytes)> ComputeAsync(string path, CancellationToken ct = default)
    {
        if (Directory.Exists(path))
        {
            var lines = new StringBuilder();
            long total = 0;
            foreach (var file in Directory.EnumerateFiles(path).Order(StringComparer.Ordinal))
            {
                var (hash, bytes) = await ComputeAsync(file, ct).ConfigureAwait(false);
                lines.Append(Path.GetFileName(file)).Append(' ').Append(hash).Append('\n');
                total += bytes;
            }
            return (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines.ToString()))), total);
        }
        // A Hugging Face cache snapshot links each large file to blobs/<sha256>: that name is the hash.
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target && Path.GetFileName(target) is { Length: 64 } name && name.All(char.IsAsciiHexDigitLower))
            return (name, new FileInfo(info.ResolveLinkTarget(true)!.FullName).Length);
        // Models are hashed for every output: remember large files by path, size and modification time.
        var stamp = (info.FullName, info.Length, info.LastWriteTimeUtc);
        if (info.Length >= CacheThreshold && s_cache.TryGetValue(stamp, out var known)) return (known, info.Length);
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        var digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        if (info.Length >= CacheThreshold) s_cache[stamp] = digest;
        return (digest, stream.Length);
    }

    private const long CacheThreshold = 16L << 20;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, long, DateTime), string> s_cache = new();

    /// <summary>A <see cref="FileRecord"/> for <paramref name="path"/>.</summary>
    public static async Task<FileRecord> RecordAsync(string role, string path, CancellationToken ct = default)
    {
        var (hash, bytes) = await ComputeAsync(path, ct).ConfigureAwait(false);
        return new FileRecord(role, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))), hash, bytes);
    }
}
