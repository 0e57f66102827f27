using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;

namespace Vigil.Baselines;

// The two ceilings Vigil is measured against, in the same run and on the same core:
//   echo  B0, bare Kestrel WebSockets: a text frame "group<TAB>id<TAB>body" goes to every socket of its group
//         (the sender included, which is its acknowledgement). No framework, no storage: the transport's limit.
//   hub   B1, a bare SignalR hub with the JSON protocol: Send(group, id, body) goes to the group's connections and
//         returns; groups joined from the query string. No auth, no storage: the framework's limit.
internal static class BaselineServer
{
    public static async Task Main(string[] args)
    {
        var mode = args.FirstOrDefault() ?? throw new ArgumentException("usage: Vigil.Baselines echo|hub --urls http://127.0.0.1:PORT");
        var builder = WebApplication.CreateSlimBuilder(args[1..]);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<EchoGroups>();
        var app = builder.Build();
        app.MapGet("/health/ready", () => "ready");
        switch (mode)
        {
            case "echo":
                app.UseWebSockets();
                app.Map("/ws", (HttpContext context, EchoGroups groups) => groups.ServeAsync(context));
                break;
            case "hub":
                app.MapHub<RelayHub>("/hub");
                break;
            default:
                throw new ArgumentException($"unknown mode '{mode}': echo or hub");
        }

        await app.RunAsync();
    }
}

internal sealed class RelayHub : Hub
{
    public override async Task OnConnectedAsync()
    {
        foreach (var group in Context.GetHttpContext()!.Request.Query["group"])
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, group!);
        }
    }

    public Task Send(string group, string id, string body) => Clients.Group(group).SendAsync("m", group, id, body);
}

internal sealed class EchoGroups
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<Outbox, byte>> _groups = new(StringComparer.Ordinal);

    public async Task ServeAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var outbox = new Outbox(socket);
        var joined = context.Request.Query["group"].Select(g => g!).ToList();
        foreach (var group in joined)
        {
            _groups.GetOrAdd(group, _ => new()).TryAdd(outbox, 0);
        }

        var writing = outbox.RunAsync();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), CancellationToken.None);
                    count += result.Count;
                }
                while (!result.EndOfMessage && count < buffer.Length);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var frame = buffer.AsSpan(0, count);
                var tab = frame.IndexOf((byte)'\t');
                if (tab > 0 && _groups.TryGetValue(System.Text.Encoding.UTF8.GetString(frame[..tab]), out var members))
                {
                    var copy = frame.ToArray();
                    foreach (var member in members.Keys)
                    {
                        member.Post(copy);
                    }
                }
            }
        }
        catch (WebSocketException)
        {
            // The client went away.
        }
        finally
        {
            foreach (var group in joined)
            {
                if (_groups.TryGetValue(group, out var members))
                {
                    members.TryRemove(outbox, out _);
                }
            }

            outbox.Complete();
            await writing;
        }
    }

    /// <summary>One writer per socket: WebSocket sends must not overlap.</summary>
    private sealed class Outbox(WebSocket socket)
    {
        private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });

        public void Post(byte[] frame) => _frames.Writer.TryWrite(frame);

        public void Complete() => _frames.Writer.TryComplete();

        public async Task RunAsync()
        {
            try
            {
                await foreach (var frame in _frames.Reader.ReadAllAsync())
                {
                    await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
                }
            }
            catch (WebSocketException)
            {
                // The client went away; the reader loop ends too.
            }
        }
    }
}
