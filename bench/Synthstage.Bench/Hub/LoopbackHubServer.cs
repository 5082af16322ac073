using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Synthstage.Bench.Hub;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 that serves one large file the way the Hub does: the listing API,
/// a <c>resolve</c> URL that redirects to a blob URL, and the blob with range support, sent with sendfile so the
/// server is not what is measured.
/// </summary>
internal sealed class LoopbackHubServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _file;
    private readonly string _repository;
    private readonly string _path;
    private readonly string _commit;
    private readonly string _sha256;
    private readonly CancellationTokenSource _stop = new();

    public LoopbackHubServer(string file, string repository, string path, string commit, string sha256)
    {
        (_file, _repository, _path, _commit, _sha256) = (file, repository, path, commit, sha256);
        _listener.Start();
        Endpoint = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _ = Task.Run(AcceptLoopAsync);
    }

    public string Endpoint { get; }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeConnectionAsync(socket));
        }
    }

    private async Task ServeConnectionAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[16 * 1024];
        var have = 0;
        try
        {
            while (true)
            {
                int end;
                while ((end = IndexOfHeaderEnd(buffer, have)) < 0)
                {
                    var read = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None, _stop.Token);
                    if (read == 0) return;
                    have += read;
                }
                var head = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
                Buffer.BlockCopy(buffer, end + 4, buffer, 0, have - end - 4);
                have -= end + 4;
                var target = Uri.UnescapeDataString(head[0].Split(' ')[1]);
                var range = head.Skip(1).FirstOrDefault(h => h.StartsWith("Range:", StringComparison.OrdinalIgnoreCase))?.Split('=')[1].TrimEnd('-');
                await RespondAsync(socket, target, range is null ? 0 : long.Parse(range));
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException) { }
    }

    private async Task RespondAsync(Socket socket, string target, long start)
    {
        var length = new FileInfo(_file).Length;
        if (target.StartsWith($"/api/models/{_repository}/revision/", StringComparison.Ordinal))
        {
            var json = $"{{\"id\":\"{_repository}\",\"sha\":\"{_commit}\",\"siblings\":[{{\"rfilename\":\"{_path}\",\"size\":{length},\"blobId\":\"{new string('0', 40)}\",\"lfs\":{{\"sha256\":\"{_sha256}\",\"size\":{length},\"pointerSize\":134}}}}]}}";
            await SendHeadAsync(socket, "200 OK", $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n");
            await socket.SendAsync(Encoding.UTF8.GetBytes(json));
        }
        else if (target.StartsWith($"/{_repository}/resolve/", StringComparison.Ordinal))
        {
            await SendHeadAsync(socket, "302 Found", $"Location: {Endpoint}/blobs/{_sha256}\r\nX-Linked-Etag: \"{_sha256}\"\r\nX-Repo-Commit: {_commit}\r\nContent-Length: 0\r\n");
        }
        else if (target.StartsWith("/blobs/", StringComparison.Ordinal))
        {
            var status = start > 0 ? "206 Partial Content" : "200 OK";
            var extra = start > 0 ? $"Content-Range: bytes {start}-{length - 1}/{length}\r\n" : "";
            await SendHeadAsync(socket, status, $"{extra}ETag: \"{_sha256}\"\r\nAccept-Ranges: bytes\r\nContent-Length: {length - start}\r\n");
            await using var file = new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
            if (start == 0) await socket.SendFileAsync(_file, _stop.Token);
            else
            {
                file.Position = start;
                var chunk = new byte[1 << 20];
                int read;
                while ((read = await file.ReadAsync(chunk, _stop.Token)) > 0) await socket.SendAsync(chunk.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        else
        {
            await SendHeadAsync(socket, "404 Not Found", "Content-Length: 0\r\n");
        }
    }

    private static async Task SendHeadAsync(Socket socket, string status, string headers) =>
        await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\n{headers}\r\n"));

    private static int IndexOfHeaderEnd(byte[] buffer, int count) => buffer.AsSpan(0, count).IndexOf("\r\n\r\n"u8);
}
