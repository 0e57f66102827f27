using Microsoft.AspNetCore.SignalR;
using Vigil.Contracts;

namespace Vigil.Server.Realtime;

/// <summary>
/// Puts members' live connections into a conversation's hub group, and takes them out, when membership changes. A
/// node can only see and move its own connections, so with several nodes every node must hear of the change.
/// </summary>
public interface IGroupMembership
{
    Task AddAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken);

    Task RemoveAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken);
}

/// <summary>One node: its own connections are all there are.</summary>
public sealed class LocalGroupMembership(IHubContext<ChatHub, IChatClient> hub, PresenceTracker presence) : IGroupMembership
{
    public Task AddAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken) =>
        MoveAsync(conversationId, userIds, hub.Groups.AddToGroupAsync, cancellationToken);

    public Task RemoveAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken) =>
        MoveAsync(conversationId, userIds, hub.Groups.RemoveFromGroupAsync, cancellationToken);

    private async Task MoveAsync(
        Guid conversationId, IReadOnlyList<Guid> userIds, Func<string, string, CancellationToken, Task> move, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        var group = ChatGroups.Conversation(conversationId);
        foreach (var connectionId in userIds.SelectMany(presence.ConnectionsOf))
        {
            await move(connectionId, group, cancellationToken).ConfigureAwait(false);
        }
    }
}
