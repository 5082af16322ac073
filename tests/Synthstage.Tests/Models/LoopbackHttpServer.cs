using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Synthstage.Tests.Models;

/// <summary>
/// A minimal HTTP/1.1 server on the loopback interface for tests, on sockets rather than HttpListener so that how a
/// connection ends is exact: every answer carries <c>Connection: close</c> and the server then shuts its side down
/// with a FIN, so a body cut short reaches the client in full before the early end (an abort's RST can discard bytes
/// the client has not read yet, which made byte counts depend on load).
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<LoopbackRequest, LoopbackResponse, Task> _handler;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="handler">Answers one request; the connection closes when it returns.</param>
    /// <param name="hostName">The host name in <see cref="Endpoint"/>: "127.0.0.1", or "localhost" for a URL whose host
    /// differs from 127.0.0.1's while reaching the same interface.</param>
    public LoopbackHttpServer(Func<LoopbackRequest, LoopbackResponse, Task> handler, string hostName = "127.0.0.1")
    {
        _handler = handler;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        Endpoint = $"http://{hostName}:{Port}";
        _loop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Base URL without a trailing slash.</summary>
    public string Endpoint { get; }

    /// <summary>The port listened on.</summary>
    public int Port { get; }

    /// <summary>Every request received, in arrival order.</summary>
    public ConcurrentQueue<LoopbackRequest> Received { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        try
        {
            var request = await ReadRequestAsync(socket);
            if (request is null) return;
            Received.Enqueue(request);
            var response = new LoopbackResponse(socket, request.Method == "HEAD");
            await _handler(request, response);
            await response.FinishAsync();
            // A FIN after the last byte sent; wait for the client to close its side so no RST can overtake the data.
            socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            linger.CancelAfter(TimeSpan.FromSeconds(10));
            var sink = new byte[1024];
            while (await socket.ReceiveAsync(sink, SocketFlags.None, linger.Token) > 0) { }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the server stopped.
        }
    }

    private async Task<LoopbackRequest?> ReadRequestAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        var have = 0;
        int end;
        while ((end = buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (have == buffer.Length) return null;
            var read = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None, _stop.Token);
            if (read == 0) return null;
            have += read;
        }
        var lines = Encoding.ASCII.GetString(buffer, 0, end).Split("\r\n");
        var start = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0) headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        return new LoopbackRequest(start[0], start[1], headers);
    }
}
