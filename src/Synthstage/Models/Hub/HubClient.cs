using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Synthstage.Models.Hub;

/// <summary>
/// Talks to the Hugging Face Hub over plain HTTP: lists a repository's files at a revision and downloads one file
/// with range requests, following the Hub's redirects to its storage and hashing the bytes as they arrive.
/// </summary>
/// <remarks>One instance holds one connection pool; reuse it for every file of a pull. Never used when
/// <see cref="HubOptions.Offline"/> is set.</remarks>
public sealed class HubClient : IDisposable
{
    private const int BufferSize = 1 << 20;
    private readonly HttpClient _http;
    private readonly HubOptions _options;
    private readonly Uri _endpoint;

    /// <summary>Creates a client for <paramref name="options"/>' endpoint and token.</summary>
    /// <param name="options">Endpoint and token.</param>
    /// <param name="handler">Transport to use instead of a new <see cref="SocketsHttpHandler"/> (owned by the client).</param>
    public HubClient(HubOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _endpoint = new Uri(options.Endpoint.TrimEnd('/') + "/");
        // Redirects are followed by hand: the Hub's 302 carries X-Linked-Etag and X-Repo-Commit, and the token must
        // not travel to the storage host it redirects to.
        handler ??= new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("synthstage", "0.1"));
    }

    /// <summary>Lists the files of <paramref name="reference"/> and the commit its revision resolves to.</summary>
    /// <exception cref="SynthstageException">Gated or private without access, repository or revision not found,
    /// the Hub unreachable, or an unreadable answer.</exception>
    public async Task<(string Commit, IReadOnlyList<HubFile> Files)> ListFilesAsync(HubReference reference, CancellationToken cancellationToken)
    {
        var uri = new Uri(_endpoint, $"api/models/{reference.Repository}/revision/{Uri.EscapeDataString(reference.Revision)}?blobs=true");
        using var response = await SendAsync(HttpMethod.Get, uri, null, reference, null, stopAtAbsoluteRedirect: false, cancellationToken).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
            var root = json.RootElement;
            var commit = root.GetProperty("sha").GetString() ?? throw new JsonException("no 'sha'");
            var files = new List<HubFile>();
            foreach (var sibling in root.GetProperty("siblings").EnumerateArray())
            {
                var path = sibling.GetProperty("rfilename").GetString()!;
                var size = sibling.TryGetProperty("size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : -1;
                var blobId = sibling.TryGetProperty("blobId", out var b) ? b.GetString() ?? "" : "";
                string? sha256 = null;
                if (sibling.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object)
                {
                    sha256 = lfs.GetProperty("sha256").GetString();
                    if (lfs.TryGetProperty("size", out var ls)) size = ls.GetInt64();
                }
                files.Add(new HubFile(path, size, blobId, sha256));
            }
            return (commit, files);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new SynthstageException($"{_options.Endpoint} answered the file listing of {reference} with something that is not the Hub's JSON ({e.Message})", ExitCodes.Failure, e);
        }
    }

    /// <summary>
    /// Fills in the blob name (the ETag) and size of <paramref name="file"/> from the headers of its
    /// <c>resolve</c> URL, for a listing that named the file only (a Hub mirror whose revision API omits
    /// <c>blobId</c> and <c>lfs</c>). Like huggingface_hub's <c>get_hf_file_metadata</c>: a HEAD request that follows
    /// relative redirects only, then <c>X-Linked-Etag</c> (the LFS content's SHA-256, on the redirect to storage)
    /// or else <c>ETag</c>, and <c>X-Linked-Size</c> or else the <c>Content-Length</c> of a direct answer.
    /// </summary>
    /// <param name="reference">The repository.</param>
    /// <param name="commit">The commit the listing resolved to.</param>
    /// <param name="file">The file as listed; returned unchanged when it already has an ETag.</param>
    /// <param name="cancellationToken">Stops the request.</param>
    /// <returns>The file with <see cref="HubFile.Sha256"/> (a 64-hex ETag) or <see cref="HubFile.BlobId"/> (a 40-hex
    /// ETag) and, where the headers give it, <see cref="HubFile.Size"/> set.</returns>
    /// <exception cref="SynthstageException">No ETag, or one that is neither a SHA-256 nor a git blob id (so the
    /// download could not be verified); a git blob of unknown size; access denied; file missing; unreachable.</exception>
    public async Task<HubFile> ResolveAsync(HubReference reference, string commit, HubFile file, CancellationToken cancellationToken)
    {
        if (file.Etag.Length > 0) return file;
        using var response = await SendAsync(HttpMethod.Head, ResolveUri(reference, commit, file.Path), null, reference, file.Path,
            stopAtAbsoluteRedirect: true, cancellationToken).ConfigureAwait(false);
        var linkedEtag = Header(response, "X-Linked-Etag");
        var etag = HubEtag.Normalize(linkedEtag ?? Header(response, "ETag"));
        var size = long.TryParse(Header(response, "X-Linked-Size"), out var linked) ? linked
            // A redirect's own Content-Length is that of the redirect, not of the file.
            : response.IsSuccessStatusCode && response.Content.Headers.ContentLength is { } length ? length
            : file.Size;
        var source = $"{_options.Endpoint} ({reference}, {file.Path})";
        if (etag is null)
            throw new SynthstageException($"{source} sent no X-Linked-Etag or ETag header, so the file has no blob name and could not be verified; a Hub mirror must pass these headers on", ExitCodes.Failure);
        if (HubEtag.IsSha256(etag)) return file with { Sha256 = etag, Size = size };
        if (!HubEtag.IsGitBlobId(etag))
            throw new SynthstageException($"{source} gave the ETag '{etag}', which is neither a SHA-256 nor a git blob id, so the download could not be verified", ExitCodes.Failure);
        if (size < 0)
            throw new SynthstageException($"{source} gave no size for a regular file, which its git blob id needs to be checked", ExitCodes.Failure);
        return file with { BlobId = etag, Size = size };
    }

    /// <summary>
    /// Downloads <paramref name="file"/> at <paramref name="commit"/> into <paramref name="partialPath"/>, continuing
    /// after the bytes already there, and returns the hash of the whole file (SHA-256 for an LFS file, the git blob
    /// id otherwise) for the caller to compare.
    /// </summary>
    /// <param name="reference">The repository.</param>
    /// <param name="commit">The commit to download from, so all files come from the same one.</param>
    /// <param name="file">The file as listed.</param>
    /// <param name="partialPath">The <c>.incomplete</c> file; kept on failure so the next call resumes.</param>
    /// <param name="onBytes">Called as (count, true) for each run of bytes received, and as (position, false) when the
    /// file's length is known without the network: the bytes already present, or 0 when the server ignored the range.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays.</param>
    /// <exception cref="SynthstageException">Access denied, file missing, the partial file not writable (BadOutput,
    /// for example a full disk).</exception>
    /// <exception cref="IOException">The connection dropped; the partial file holds what arrived.</exception>
    public Task<string> DownloadAsync(HubReference reference, string commit, HubFile file, string partialPath,
        Action<long, bool> onBytes, CancellationToken cancellationToken)
    {
        if (file.Etag.Length == 0) throw new ArgumentException($"{file.Path} has no ETag yet; call {nameof(ResolveAsync)} first", nameof(file));
        return DownloadCoreAsync(ResolveUri(reference, commit, file.Path), reference, file, partialPath, onBytes, cancellationToken);
    }

    private Uri ResolveUri(HubReference reference, string commit, string path) =>
        new(_endpoint, $"{reference.Repository}/resolve/{commit}/{string.Join('/', path.Split('/').Select(Uri.EscapeDataString))}");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>Downloads any URL into <paramref name="partialPath"/> the same way (resume, redirects) and returns its SHA-256.</summary>
    /// <param name="uri">The file's URL.</param>
    /// <param name="source">Names the source in error messages.</param>
    /// <param name="partialPath">The <c>.incomplete</c> file; kept on failure so the next call resumes.</param>
    /// <param name="onBytes">As for <see cref="DownloadAsync"/>.</param>
    /// <param name="cancellationToken">Stops the download; the partial file stays.</param>
    internal Task<string> DownloadUrlAsync(Uri uri, HubReference source, string partialPath, Action<long, bool> onBytes, CancellationToken cancellationToken) =>
        DownloadCoreAsync(uri, source, new HubFile(uri.AbsolutePath, -1, "", ""), partialPath, onBytes, cancellationToken);

    private async Task<string> DownloadCoreAsync(Uri uri, HubReference reference, HubFile file, string partialPath,
        Action<long, bool> onBytes, CancellationToken cancellationToken)
    {
        var stream = OpenPartial(partialPath);
        await using var _ = stream.ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var offset = stream.Length;
            if (file.Size >= 0 && offset > file.Size) { stream.SetLength(0); offset = 0; }
            using var hash = CreateHash(file);
            if (offset > 0)
            {
                // The bytes already on disk count towards the hash; reading them back is far cheaper than fetching them.
                await HashExistingAsync(stream, hash, cancellationToken).ConfigureAwait(false);
                onBytes(offset, false);
            }
            if (offset < file.Size || file.Size < 0)
            {
                using var response = await SendAsync(HttpMethod.Get, uri, offset > 0 ? offset : null, reference, file.Path, stopAtAbsoluteRedirect: false, cancellationToken).ConfigureAwait(false);
                if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    if (attempt > 0) throw new SynthstageException($"{uri.Host} does not honour range requests for {file.Path}", ExitCodes.Failure);
                    // The server ignored the range: start again from the first byte.
                    onBytes(0, false);
                    stream.SetLength(0);
                    continue;
                }
                stream.Position = offset;
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await CopyAsync(body, stream, hash, partialPath, onBytes, cancellationToken).ConfigureAwait(false);
            }
            return Convert.ToHexStringLower(hash.GetHashAndReset());
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();

    private static FileStream OpenPartial(string partialPath)
    {
        try
        {
            var stream = new FileStream(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            return stream;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SynthstageException($"cannot open '{partialPath}': {e.Message}; another pull of the same file may be running, or the cache is not writable (HF_HUB_CACHE chooses another folder)", ExitCodes.BadOutput, e);
        }
    }

    private static IncrementalHash CreateHash(HubFile file)
    {
        if (file.Sha256 is not null) return IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // A regular file's Hub ETag is its git blob id: SHA-1 over a "blob <size>\0" header and the content.
        var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(Encoding.ASCII.GetBytes($"blob {file.Size}\0"));
        return sha1;
    }

    private static async Task HashExistingAsync(FileStream stream, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            stream.Position = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                hash.AppendData(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Reads the body into one buffer while the previous buffer is hashed and written on another thread, so the
    // network, SHA-256 and the disk overlap.
    private static async Task CopyAsync(Stream body, FileStream target, IncrementalHash hash, string partialPath,
        Action<long, bool> onBytes, CancellationToken cancellationToken)
    {
        var buffers = new[] { ArrayPool<byte>.Shared.Rent(BufferSize), ArrayPool<byte>.Shared.Rent(BufferSize) };
        Task pending = Task.CompletedTask;
        try
        {
            for (var turn = 0; ; turn ^= 1)
            {
                var buffer = buffers[turn];
                var filled = 0;
                Exception? dropped = null;
                // Fill most of the buffer before handing it over: fewer, larger writes.
                while (filled < BufferSize / 2)
                {
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(filled, BufferSize - filled), cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        dropped = e; // keep what did arrive, so the resume starts exactly at the cut
                        break;
                    }
                    if (read == 0) break;
                    filled += read;
                }
                await pending.ConfigureAwait(false);
                if (dropped is not null)
                {
                    WriteChunk(buffer, filled, target, hash, partialPath, onBytes);
                    target.Flush();
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(dropped);
                }
                if (filled == 0) break;
                var count = filled;
                pending = Task.Run(() => WriteChunk(buffer, count, target, hash, partialPath, onBytes), cancellationToken);
            }
            target.Flush();
        }
        finally
        {
            try { await pending.ConfigureAwait(false); } catch (Exception) when (pending.IsFaulted || pending.IsCanceled) { /* surfaced above, or superseded by the read failure */ }
            ArrayPool<byte>.Shared.Return(buffers[0]);
            ArrayPool<byte>.Shared.Return(buffers[1]);
        }
    }

    private static void WriteChunk(byte[] buffer, int count, FileStream target, IncrementalHash hash, string partialPath, Action<long, bool> onBytes)
    {
        if (count == 0) return;
        try
        {
            target.Write(buffer, 0, count);
        }
        catch (IOException e)
        {
            // Typically a full disk: what was written stays in the partial file for the next pull.
            throw new SynthstageException($"cannot write '{partialPath}': {e.Message}; the partial download is kept and resumes on the next pull", ExitCodes.BadOutput, e);
        }
        hash.AppendData(buffer, 0, count);
        onBytes(count, true);
    }

    // stopAtAbsoluteRedirect returns a redirect to another URL as the answer: its headers describe the file.
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, Uri uri, long? rangeStart, HubReference reference, string? path,
        bool stopAtAbsoluteRedirect, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < 10; hop++)
        {
            using var request = new HttpRequestMessage(method, uri);
            // The token is for the Hub only, never for the storage host a download is redirected to.
            if (_options.Token is { } token && uri.Host == _endpoint.Host && uri.Port == _endpoint.Port)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (rangeStart is { } start) request.Headers.Range = new RangeHeaderValue(start, null);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                throw new SynthstageException($"cannot reach {uri.GetLeftPart(UriPartial.Authority)}: {e.Message}; check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use the cache only", ExitCodes.Failure, e);
            }
            var status = (int)response.StatusCode;
            if (status is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
            {
                var absolute = IsHttpUrl(location);
                if (stopAtAbsoluteRedirect && absolute) return response;
                uri = absolute ? location : new Uri(uri, location.OriginalString);
                response.Dispose();
                continue;
            }
            if (response.IsSuccessStatusCode) return response;
            var errorCode = response.Headers.TryGetValues("X-Error-Code", out var codes) ? codes.FirstOrDefault() : null;
            response.Dispose();
            throw Failure(response.StatusCode, errorCode, reference, path);
        }
        throw new SynthstageException($"too many redirects fetching {reference}{(path is null ? "" : " " + path)} from {_options.Endpoint}", ExitCodes.Failure);
    }

    // On Unix a Location of "/path" parses as an absolute file: URI, so "absolute" means an http(s) URL here.
    private static bool IsHttpUrl(Uri location) =>
        location.IsAbsoluteUri && (location.Scheme == Uri.UriSchemeHttp || location.Scheme == Uri.UriSchemeHttps);

    private SynthstageException Failure(HttpStatusCode status, string? errorCode, HubReference reference, string? path)
    {
        var page = $"{_options.Endpoint}/{reference.Repository}";
        return (int)status switch
        {
            401 or 403 => new SynthstageException(_options.Token is null
                ? $"{reference.Repository} is gated or private: accept its licence on {page} while logged in, create a read token at {_options.Endpoint}/settings/tokens and set HF_TOKEN"
                : $"{reference.Repository} is gated or private and HF_TOKEN was refused (HTTP {(int)status}): accept its licence on {page} with the account that owns the token, or check the token", ExitCodes.BadModel),
            404 when errorCode == "RevisionNotFound" => new SynthstageException($"revision '{reference.Revision}' does not exist in {reference.Repository}; see the branches and tags on {page}", ExitCodes.BadInput),
            404 when errorCode == "EntryNotFound" || path is not null => new SynthstageException($"{path} is not in {reference} ({_options.Endpoint} answered 404)", ExitCodes.BadModel),
            404 => new SynthstageException($"{reference.Repository} at revision '{reference.Revision}' was not found on {_options.Endpoint} (check the name and revision; a private repository also needs HF_TOKEN)", ExitCodes.BadInput),
            _ => new SynthstageException($"{_options.Endpoint} answered HTTP {(int)status} for {reference}{(path is null ? "" : " " + path)}; try again later", ExitCodes.Failure),
        };
    }
}
