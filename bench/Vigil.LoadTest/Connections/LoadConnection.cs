namespace Vigil.LoadTest.Connections;

/// <summary>
/// One client connection of a scenario, whatever the server: it joins its groups when it starts, sends a message
/// identified by <c>id</c> to a group (completing at the server's acknowledgement) and reports every message it
/// receives. Ids are "sender:number", so a receiver knows whether it sent a message itself.
/// </summary>
internal abstract class LoadConnection : IAsyncDisposable
{
    /// <summary>Raised for every message delivered to this connection, with its group and id.</summary>
    public Action<string, string>? Received { get; set; }

    /// <summary>Raised when the connection came back after losing the server.</summary>
    public Action? Reconnected { get; set; }

    public abstract Task StartAsync(CancellationToken cancellationToken);

    public abstract Task SendAsync(string group, string id, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>The same text on every server, about the length of a typical chat message.</summary>
    public const string Body = "Adverse event follow-up: patient reports mild headache after dose 2.";
}
