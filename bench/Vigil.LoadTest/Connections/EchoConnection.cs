using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Threading.Channels;

namespace Vigil.LoadTest.Connections;

/// <summary>A raw WebSocket to the B0 echo server: frames "group TAB id TAB body"; the sender's own copy is its ack.</summary>
internal sealed class EchoConnection(Uri server, IReadOnlyList<string> groups) : LoadConnection
{
    private readonly ClientWebSocket _socket = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _pending = new(StringComparer.Ordinal);
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private Task _reading = Task.CompletedTask;
    private Task _writing = Task.CompletedTask;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var query = string.Join('&', groups.Select(g => "group=" + Uri.EscapeDataString(g)));
        var uri = new UriBuilder(server) { Scheme = "ws", Path = "/ws", Query = query }.Uri;
        await _socket.ConnectAsync(uri, cancellationToken);
        _reading = Task.Run(ReadAsync, CancellationToken.None);
        _writing = Task.Run(WriteAsync, CancellationToken.None);
    }

    public override Task SendAsync(string group, string id, CancellationToken cancellationToken)
    {
        var ack = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = ack;
        _outbox.Writer.TryWrite(Encoding.UTF8.GetBytes($"{group}\t{id}\t{Body}"));
        return ack.Task.WaitAsync(cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        try
        {
            await _writing;
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
            await _reading.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception e) when (e is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // Closing anyway.
        }

        _socket.Dispose();
    }

    private async Task WriteAsync()
    {
        await foreach (var frame in _outbox.Reader.ReadAllAsync())
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var text = Encoding.UTF8.GetString(buffer, 0, result.Count);
                var parts = text.Split('\t', 3);
                if (_pending.TryRemove(parts[1], out var ack))
                {
                    ack.TrySetResult();
                }

                Received?.Invoke(parts[0], parts[1]);
            }
        }
        catch (WebSocketException)
        {
            // Closed under us.
        }
    }
}
