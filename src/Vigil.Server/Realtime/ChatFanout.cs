using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Messaging;

namespace Vigil.Server.Realtime;

/// <summary>
/// Pushes committed events to the members' connections, one event at a time in commit order, off the writer's
/// thread so a slow client never holds up a commit. Delivery here is best effort by design: a client that misses a
/// push notices the gap in sequence numbers and catches up from the database.
/// </summary>
public sealed partial class ChatFanout(
    IHubContext<ChatHub, IChatClient> hub, IGroupMembership membership, ILogger<ChatFanout> logger)
    : BackgroundService, IChatEventSink, IConversationNotifier
{
    private readonly Channel<ChatEvent> _pending = Channel.CreateUnbounded<ChatEvent>(new UnboundedChannelOptions { SingleReader = true });

    public void Publish(IReadOnlyList<ChatEvent> events)
    {
        foreach (var chatEvent in events)
        {
            _pending.Writer.TryWrite(chatEvent);
        }
    }

    public async Task MembersAddedAsync(ConversationDto conversation, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(userIds);
        await membership.AddAsync(conversation.Id, userIds, cancellationToken).ConfigureAwait(false);
        foreach (var userId in userIds)
        {
            await hub.Clients.Group(ChatGroups.User(userId)).ConversationAdded(conversation).ConfigureAwait(false);
        }
    }

    public Task MemberRemovedAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken) =>
        membership.RemoveAsync(conversationId, [userId], cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var chatEvent in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await SendAsync(chatEvent).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogFanoutFailed(exception, chatEvent.ConversationId);
            }
        }
    }

    private async Task SendAsync(ChatEvent chatEvent)
    {
        var members = hub.Clients.Group(ChatGroups.Conversation(chatEvent.ConversationId));
        switch (chatEvent)
        {
            case MessageCreatedEvent created:
                await members.MessageCreated(created.Message).ConfigureAwait(false);
                foreach (var userId in created.Message.Mentions)
                {
                    await hub.Clients.Group(ChatGroups.User(userId)).Mentioned(created.Message).ConfigureAwait(false);
                }

                break;
            case MessageEditedEvent edited:
                await members.MessageEdited(edited.Message).ConfigureAwait(false);
                break;
            case MessageDeletedEvent deleted:
                await members.MessageDeleted(deleted.Message).ConfigureAwait(false);
                break;
            case ReadReceiptEvent read:
                await members.ReadReceipt(read.Receipt).ConfigureAwait(false);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Real-time push for conversation {ConversationId} failed; clients will catch up")]
    private partial void LogFanoutFailed(Exception exception, Guid conversationId);
}
