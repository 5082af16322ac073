using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Synthstage.Tests.Models;

/// <summary>
/// A Hugging Face Hub stand-in on 127.0.0.1: the file listing API, <c>resolve</c> URLs that redirect LFS files to a
/// blob URL with X-Linked-Etag / X-Repo-Commit, ETags, range requests (206), and switches to cut a body, corrupt it
/// or gate the repository. Counts requests and body bytes per file.
/// </summary>
internal sealed class FakeHubServer : IDisposable
{
    public const string Repository = "acme/tiny-diffusion";
    public const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly HttpListener _listener = new();
    private readonly Task _loop;
    private readonly Dictionary<string, (byte[] Content, bool Lfs, string Etag)> _files = [];
    private readonly ConcurrentDictionary<string, long> _bodyBytes = new();
    private int _requests;
    private int _downloads;

    public FakeHubServer(IReadOnlyDictionary<string, (byte[] Content, bool Lfs)> files)
    {
        foreach (var (path, (content, lfs)) in files)
            _files[path] = (content, lfs, lfs ? Convert.ToHexStringLower(SHA256.HashData(content)) : GitBlobId(content));
        var port = FreePort();
        Endpoint = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Endpoint + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string Endpoint { get; }
    /// <summary>Every request, including listings.</summary>
    public int Requests => Volatile.Read(ref _requests);
    /// <summary>File bodies started (resolve or blob responses with content).</summary>
    public int Downloads => Volatile.Read(ref _downloads);
    /// <summary>Abort the next body of this file after this many bytes (one-shot).</summary>
    public (string Path, long After)? CutNext { get; set; }
    /// <summary>Answer range requests with the whole file (200), as some servers do.</summary>
    public bool IgnoreRange { get; set; }
    /// <summary>Flip one byte in every body of this file.</summary>
    public string? Corrupt { get; set; }
    /// <summary>When set, requests need "Authorization: Bearer {token}" (401 without, 403 with a wrong one).</summary>
    public string? RequiredToken { get; set; }
    public ConcurrentQueue<string?> Authorizations { get; } = new();

    public long BodyBytes(string path) => _bodyBytes.GetValueOrDefault(path);
    public (byte[] Content, bool Lfs, string Etag) File(string path) => _files[path];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
    }

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
            var auth = request.Headers["Authorization"];
            Authorizations.Enqueue(auth);
            if (RequiredToken is { } token && !path.StartsWith("/blobs/", StringComparison.Ordinal))
            {
                if (auth is null) { Fail(response, 401, "GatedRepo"); return; }
                if (auth != "Bearer " + token) { Fail(response, 403, "GatedRepo"); return; }
            }
            var listing = $"/api/models/{Repository}/revision/";
            var resolve = $"/{Repository}/resolve/";
            if (path.StartsWith(listing, StringComparison.Ordinal))
            {
                var revision = path[listing.Length..];
                if (revision is not ("main" or Commit)) { Fail(response, 404, "RevisionNotFound"); return; }
                var json = JsonSerializer.Serialize(new
                {
                    id = Repository,
                    sha = Commit,
                    siblings = _files.Select(f => f.Value.Lfs
                        ? (object)new { rfilename = f.Key, size = f.Value.Content.Length, blobId = GitBlobId(Encoding.ASCII.GetBytes("pointer " + f.Key)), lfs = new { sha256 = f.Value.Etag, size = f.Value.Content.Length, pointerSize = 134 } }
                        : new { rfilename = f.Key, size = f.Value.Content.Length, blobId = f.Value.Etag }),
                });
                var bytes = Encoding.UTF8.GetBytes(json);
                response.ContentType = "application/json";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
                response.Close();
                return;
            }
            if (path.StartsWith(resolve, StringComparison.Ordinal))
            {
                var rest = path[resolve.Length..];
                var slash = rest.IndexOf('/');
                var (revision, filePath) = (rest[..slash], rest[(slash + 1)..]);
                if (revision is not ("main" or Commit)) { Fail(response, 404, "RevisionNotFound"); return; }
                if (!_files.TryGetValue(filePath, out var file)) { Fail(response, 404, "EntryNotFound"); return; }
                response.Headers["X-Repo-Commit"] = Commit;
                if (file.Lfs)
                {
                    response.StatusCode = 302;
                    response.RedirectLocation = $"{Endpoint}/blobs/{file.Etag}?name={Uri.EscapeDataString(filePath)}";
                    response.Headers["X-Linked-Etag"] = $"\"{file.Etag}\"";
                    response.Headers["X-Linked-Size"] = file.Content.Length.ToString();
                    response.ContentLength64 = 0;
                    response.Close();
                    return;
                }
                await ServeAsync(response, request, filePath, file);
                return;
            }
            if (path.StartsWith("/blobs/", StringComparison.Ordinal))
            {
                var name = request.QueryString["name"]!;
                await ServeAsync(response, request, name, _files[name]);
                return;
            }
            Fail(response, 404, "RepoNotFound");
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private async Task ServeAsync(HttpListenerResponse response, HttpListenerRequest request, string path, (byte[] Content, bool Lfs, string Etag) file)
    {
        var content = file.Content;
        if (Corrupt == path) { content = (byte[])content.Clone(); content[content.Length / 2] ^= 0xFF; }
        long start = 0;
        if (request.Headers["Range"] is { } range && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && !IgnoreRange)
        {
            start = long.Parse(range["bytes=".Length..^1]);
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {start}-{content.Length - 1}/{content.Length}";
        }
        response.Headers["ETag"] = $"\"{file.Etag}\"";
        response.Headers["Accept-Ranges"] = "bytes";
        response.ContentLength64 = content.Length - start;
        Interlocked.Increment(ref _downloads);
        long? cut = null;
        if (CutNext is { } c && c.Path == path) { cut = c.After; CutNext = null; }
        var position = (int)start;
        while (position < content.Length)
        {
            var count = Math.Min(64 * 1024, content.Length - position);
            if (cut is { } limit && position - start + count > limit) count = (int)Math.Max(0, limit - (position - start));
            if (count > 0)
            {
                // Counted before the write: the client may finish reading before this method resumes after it.
                _bodyBytes.AddOrUpdate(path, count, (_, v) => v + count);
                await response.OutputStream.WriteAsync(content.AsMemory(position, count));
                position += count;
            }
            if (cut is { } l && position - start >= l)
            {
                await response.OutputStream.FlushAsync();
                await Task.Delay(50);
                response.Abort();
                return;
            }
        }
        response.Close();
    }

    private static void Fail(HttpListenerResponse response, int status, string errorCode)
    {
        response.StatusCode = status;
        response.Headers["X-Error-Code"] = errorCode;
        response.ContentLength64 = 0;
        response.Close();
    }

    public static string GitBlobId(byte[] content) =>
        Convert.ToHexStringLower(SHA1.HashData([.. Encoding.ASCII.GetBytes($"blob {content.Length}\0"), .. content]));

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
