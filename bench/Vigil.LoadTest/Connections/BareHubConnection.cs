using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Vigil.LoadTest.Connections;

/// <summary>A SignalR connection (JSON, WebSockets) to the B1 bare hub; the invocation's completion is the ack.</summary>
internal sealed class BareHubConnection : LoadConnection
{
    private readonly HubConnection _hub;

    public BareHubConnection(Uri server, IReadOnlyList<string> groups)
    {
        var query = string.Join('&', groups.Select(g => "group=" + Uri.EscapeDataString(g)));
        _hub = new HubConnectionBuilder()
            .WithUrl(new UriBuilder(server) { Path = "/hub", Query = query }.Uri, http =>
            {
                // As Vigil's SDK does for WebSockets: no negotiate request (and no idle HTTP connection per client).
                http.Transports = HttpTransportType.WebSockets;
                http.SkipNegotiation = true;
            })
            .Build();
        _hub.On<string, string, string>("m", (group, id, _) => Received?.Invoke(group, id));
    }

    public override Task StartAsync(CancellationToken cancellationToken) => _hub.StartAsync(cancellationToken);

    public override Task SendAsync(string group, string id, CancellationToken cancellationToken) =>
        _hub.InvokeAsync("Send", group, id, Body, cancellationToken);

    public override ValueTask DisposeAsync() => _hub.DisposeAsync();
}
