using System.Net.Sockets;
using System.Text;

namespace Synthstage.Tests.Models;

/// <summary>Writes one answer: status and headers once, then body bytes (none for HEAD).</summary>
internal sealed class LoopbackResponse(Socket socket, bool head)
{
    private bool _started;

    public int Status { get; set; } = 200;
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sends the status line and headers with this Content-Length (kept for HEAD, which sends no body).</summary>
    public async Task StartAsync(long contentLength)
    {
        if (_started) throw new InvalidOperationException("the head was already sent");
        _started = true;
        var text = new StringBuilder($"HTTP/1.1 {Status} {Reason(Status)}\r\n");
        foreach (var (name, value) in Headers) text.Append(name).Append(": ").Append(value).Append("\r\n");
        text.Append("Content-Length: ").Append(contentLength).Append("\r\nConnection: close\r\n\r\n");
        await SendAsync(Encoding.ASCII.GetBytes(text.ToString()));
    }

    /// <summary>Sends body bytes (after <see cref="StartAsync"/>); nothing for HEAD.</summary>
    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        if (!_started) throw new InvalidOperationException("send the head first");
        if (!head) await SendAsync(bytes);
    }

    /// <summary>Sends a whole body.</summary>
    public async Task SendAsync(int status, byte[] body)
    {
        Status = status;
        await StartAsync(body.Length);
        await WriteAsync(body);
    }

    internal async Task FinishAsync()
    {
        if (!_started) await StartAsync(0);
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        while (bytes.Length > 0)
        {
            var sent = await socket.SendAsync(bytes, SocketFlags.None);
            bytes = bytes[sent..];
        }
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        302 => "Found",
        307 => "Temporary Redirect",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Status",
    };
}
