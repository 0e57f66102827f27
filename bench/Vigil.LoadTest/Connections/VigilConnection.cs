using System.Globalization;
using Microsoft.AspNetCore.Http.Connections;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.LoadTest.Connections;

/// <summary>
/// Vigil's own SDK connection: a send completes when the message is durably committed (ledger and encryption on);
/// delivery is exactly once per conversation, caught up after a reconnect.
/// </summary>
internal sealed class VigilConnection : LoadConnection
{
    private readonly VigilChatConnection _chat;

    public VigilConnection(VigilClient client)
    {
        _chat = client.CreateChatConnection(new ChatConnectionOptions { Transports = HttpTransportType.WebSockets });
        _chat.MessageReceived += message =>
        {
            var clientId = message.ClientMessageId;
            Received?.Invoke(message.ConversationId.ToString(), clientId[(clientId.IndexOf('.', StringComparison.Ordinal) + 1)..]);
            return Task.CompletedTask;
        };
        _chat.Reconnected += _ =>
        {
            Reconnected?.Invoke();
            return Task.CompletedTask;
        };
    }

    public override Task StartAsync(CancellationToken cancellationToken) => _chat.StartAsync(cancellationToken);

    /// <summary>
    /// The scenario's id goes after a time-ordered one like those the SDK and the web client make
    /// (<see cref="ClientMessageIds"/>), so the server sees client ids ordered as real clients send them.
    /// </summary>
    public override Task SendAsync(string group, string id, CancellationToken cancellationToken) =>
        _chat.SendMessageAsync(Guid.Parse(group, CultureInfo.InvariantCulture), Body, ClientMessageIds.New() + "." + id, cancellationToken: cancellationToken);

    public override ValueTask DisposeAsync() => _chat.DisposeAsync();
}
