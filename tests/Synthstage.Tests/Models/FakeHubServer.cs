using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Synthstage.Tests.Models;

/// <summary>
/// A Hugging Face Hub stand-in on loopback: the file listing API, <c>resolve</c> URLs (GET and HEAD) that redirect
/// LFS files to a blob URL with X-Linked-Etag / X-Linked-Size / X-Repo-Commit and answer regular files directly
/// with an ETag, range requests (206), and switches to cut a body, corrupt it, gate the repository, or list file
/// names only as some Hub mirrors do. Blobs are served by the Hub's own server or by a second server (another port,
/// optionally under another host name), as the Hub's storage is another host. Counts requests and body bytes per file,
/// and records where each ranged body started.
/// </summary>
internal sealed class FakeHubServer : IDisposable
{
    public const string Repository = "acme/tiny-diffusion";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly LoopbackHttpServer _hub;
    private readonly LoopbackHttpServer? _blobServer;
    private readonly Dictionary<string, (byte[] Content, bool Lfs, string Etag)> _files = [];
    private readonly ConcurrentDictionary<string, long> _bodyBytes = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<long>> _rangeStarts = new();
    private int _requests;
    private int _downloads;

    public FakeHubServer(IReadOnlyDictionary<string, (byte[] Content, bool Lfs)> files, BlobHost blobHost = BlobHost.HubItself)
    {
        foreach (var (path, (content, lfs)) in files)
            _files[path] = (content, lfs, lfs ? Convert.ToHexStringLower(SHA256.HashData(content)) : GitBlobId(content));
        _hub = new LoopbackHttpServer(HandleHubAsync);
        _blobServer = blobHost switch
        {
            BlobHost.HubItself => null,
            BlobHost.OtherPort => new LoopbackHttpServer(HandleBlobAsync),
            _ => new LoopbackHttpServer(HandleBlobAsync, "localhost"),
        };
    }

    public string Endpoint => _hub.Endpoint;
    /// <summary>Where blob URLs point: the Hub's endpoint unless a separate blob server was asked for.</summary>
    public string BlobEndpoint => _blobServer?.Endpoint ?? _hub.Endpoint;
    /// <summary>Every request, including listings.</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>File bodies started (resolve or blob responses with content).</summary>
    public int Downloads => Volatile.Read(ref _downloads);
    /// <summary>End the next body of this file after this many bytes (one-shot), by closing the connection cleanly.</summary>
    public (string Path, long After)? CutNext { get; set; }
    /// <summary>Answer range requests with the whole file (200), as some servers do.</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>Flip one byte in every body of this file.</summary>
    public string? Corrupt { get; set; }
    /// <summary>When set, Hub requests need "Authorization: Bearer {token}" (401 without, 403 with a wrong one).</summary>
    public string? RequiredToken { get; set; }
    /// <summary>List each file by name only (no size, blobId or lfs), as a mirror whose revision API omits them does;
    /// the ETags then come only from the resolve URLs' headers.</summary>
    public bool NamesOnly { get; set; }
    /// <summary>Send no ETag headers at all, as a broken mirror might.</summary>
    public bool NoEtags { get; set; }
    /// <summary>Send ETags in the weak form <c>W/"…"</c>.</summary>
    public bool WeakEtags { get; set; }
    /// <summary>The Authorization header of every request the Hub's server received (null where none).</summary>
    public IEnumerable<string?> Authorizations => _hub.Received.Select(r => r.Header("Authorization"));
    /// <summary>Every request the separate blob server received.</summary>
    public IReadOnlyCollection<LoopbackRequest> BlobRequests => _blobServer?.Received ?? (IReadOnlyCollection<LoopbackRequest>)[];
    /// <summary>Requests by method and path, on either server.</summary>
    public IEnumerable<LoopbackRequest> AllRequests => _hub.Received.Concat(BlobRequests);

    public long BodyBytes(string path) => _bodyBytes.GetValueOrDefault(path);

    /// <summary>Where each body of this file that was served for a <c>Range: bytes=N-</c> request asked to start, in order.</summary>
    public IReadOnlyList<long> RangeStarts(string path) => _rangeStarts.TryGetValue(path, out var starts) ? [.. starts] : [];
    public (byte[] Content, bool Lfs, string Etag) File(string path) => _files[path];

    public void Dispose()
    {
        _hub.Dispose();
        _blobServer?.Dispose();
    }

    private string Quote(string etag) => WeakEtags ? $"W/\"{etag}\"" : $"\"{etag}\"";

    private async Task HandleHubAsync(LoopbackRequest request, LoopbackResponse response)
    {
        Interlocked.Increment(ref _requests);
        var path = request.Path;
        var auth = request.Header("Authorization");
        if (RequiredToken is { } token && !path.StartsWith("/blobs/", StringComparison.Ordinal))
        {
            if (auth is null) { await FailAsync(response, 401, "GatedRepo"); return; }
            if (auth != "Bearer " + token) { await FailAsync(response, 403, "GatedRepo"); return; }
        }
        var listing = $"/api/models/{Repository}/revision/";
        var resolve = $"/{Repository}/resolve/";
        if (path.StartsWith(listing, StringComparison.Ordinal))
        {
            var revision = path[listing.Length..];
            if (revision is not ("main" or Commit)) { await FailAsync(response, 404, "RevisionNotFound"); return; }
            var json = JsonSerializer.Serialize(new
            {
                id = Repository,
                sha = Commit,
                siblings = _files.Select(f => NamesOnly ? new { rfilename = f.Key }
                    : f.Value.Lfs
                    ? (object)new { rfilename = f.Key, size = f.Value.Content.Length, blobId = GitBlobId(Encoding.ASCII.GetBytes("pointer " + f.Key)), lfs = new { sha256 = f.Value.Etag, size = f.Value.Content.Length, pointerSize = 134 } }
                    : new { rfilename = f.Key, size = f.Value.Content.Length, blobId = f.Value.Etag }),
            });
            response.Headers["Content-Type"] = "application/json";
            await response.SendAsync(200, Encoding.UTF8.GetBytes(json));
            return;
        }
        if (path.StartsWith(resolve, StringComparison.Ordinal))
        {
            var rest = path[resolve.Length..];
            var slash = rest.IndexOf('/');
            var (revision, filePath) = (rest[..slash], rest[(slash + 1)..]);
            if (revision is not ("main" or Commit)) { await FailAsync(response, 404, "RevisionNotFound"); return; }
            if (!_files.TryGetValue(filePath, out var file)) { await FailAsync(response, 404, "EntryNotFound"); return; }
            response.Headers["X-Repo-Commit"] = Commit;
            if (file.Lfs)
            {
                response.Status = 302;
                response.Headers["Location"] = $"{BlobEndpoint}/blobs/{file.Etag}?name={Uri.EscapeDataString(filePath)}";
                if (!NoEtags) response.Headers["X-Linked-Etag"] = Quote(file.Etag);
                response.Headers["X-Linked-Size"] = file.Content.Length.ToString(CultureInfo.InvariantCulture);
                await response.StartAsync(0);
                return;
            }
            await ServeAsync(response, request, filePath, file);
            return;
        }
        if (path.StartsWith("/blobs/", StringComparison.Ordinal))
        {
            await HandleBlobAsync(request, response);
            return;
        }
        await FailAsync(response, 404, "RepoNotFound");
    }

    private async Task HandleBlobAsync(LoopbackRequest request, LoopbackResponse response)
    {
        if (!request.Path.StartsWith("/blobs/", StringComparison.Ordinal) || request.Query("name") is not { } name || !_files.TryGetValue(name, out var file))
        {
            await FailAsync(response, 404, "EntryNotFound");
            return;
        }
        await ServeAsync(response, request, name, file);
    }

    private async Task ServeAsync(LoopbackResponse response, LoopbackRequest request, string path, (byte[] Content, bool Lfs, string Etag) file)
    {
        var content = file.Content;
        if (Corrupt == path) { content = (byte[])content.Clone(); content[content.Length / 2] ^= 0xFF; }
        long start = 0;
        if (request.Header("Range") is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && !IgnoreRange)
        {
            start = long.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
            if (request.Method == "GET") _rangeStarts.GetOrAdd(path, _ => new ConcurrentQueue<long>()).Enqueue(start);
            response.Status = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }
        if (!NoEtags) response.Headers["ETag"] = Quote(file.Etag);
        response.Headers["Accept-Ranges"] = "bytes";
        await response.StartAsync(content.Length - start);
        if (request.Method == "HEAD") return;
        Interlocked.Increment(ref _downloads);
        long? cut = null;
        if (CutNext is { } c && c.Path == path) { cut = c.After; CutNext = null; }
        var end = cut is { } limit ? Math.Min(content.Length, start + limit) : content.Length;
        for (var position = (int)start; position < end;)
        {
            var count = (int)Math.Min(64 * 1024, end - position);
            // Counted before the write: the client may finish reading before this method resumes after it.
            _bodyBytes.AddOrUpdate(path, count, (_, v) => v + count);
            await response.WriteAsync(content.AsMemory(position, count));
            position += count;
        }
        // Returning ends the connection: short of Content-Length when cut, which the client sees as a dropped connection.
    }

    private static async Task FailAsync(LoopbackResponse response, int status, string errorCode)
    {
        response.Headers["X-Error-Code"] = errorCode;
        await response.SendAsync(status, []);
    }

    public static string GitBlobId(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));
}
