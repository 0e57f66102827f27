using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Messaging;

namespace Vigil.Server.Realtime;

/// <summary>
/// Pushes committed events to the members' connections in commit order, off the writer's thread so a slow client
/// never holds up a commit. Delivery here is best effort by design: a client that misses a push notices the gap in
/// sequence numbers and catches up from the database.
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

    /// <summary>How many events may have sends under way before the loop waits for the oldest of them.</summary>
    internal const int MaxEventsInFlight = 256;

    /// <summary>
    /// Starts each event's sends in commit order without waiting for the one before to finish. Behind the Redis
    /// backplane a send finishes when Redis answers its PUBLISH, so waiting for each capped a node at one event per
    /// round trip; on one node, one client slow to read held up every member's pushes. Order still holds: each
    /// event's sends are issued on this loop in turn, Redis delivers one connection's PUBLISHes in the order sent,
    /// and a SignalR connection writes messages in the order their writes began.
    /// </summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new Queue<Task>();
        await foreach (var chatEvent in _pending.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            inFlight.Enqueue(SendLoggedAsync(chatEvent));
            while (inFlight.TryPeek(out var oldest) && oldest.IsCompleted)
            {
                _ = inFlight.Dequeue();
            }

            if (inFlight.Count >= MaxEventsInFlight)
            {
                await inFlight.Dequeue().WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task SendLoggedAsync(ChatEvent chatEvent)
    {
        try
        {
            await SendAsync(chatEvent).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: clients catch up on what was not pushed.
        }
        catch (Exception exception)
        {
            LogFanoutFailed(exception, chatEvent.ConversationId);
        }
    }

    private Task SendAsync(ChatEvent chatEvent)
    {
        var members = hub.Clients.Group(ChatGroups.Conversation(chatEvent.ConversationId));
        return chatEvent switch
        {
            MessageCreatedEvent created => SendCreatedAsync(members, created.Message),
            MessageEditedEvent edited => members.MessageEdited(edited.Message),
            MessageDeletedEvent deleted => members.MessageDeleted(deleted.Message),
            ReadReceiptEvent read => members.ReadReceipt(read.Receipt),
            _ => Task.CompletedTask,
        };
    }

    private Task SendCreatedAsync(IChatClient members, MessageDto message)
    {
        var toMembers = members.MessageCreated(message);
        if (message.Mentions.Count == 0)
        {
            return toMembers;
        }

        var sends = new List<Task>(1 + message.Mentions.Count) { toMembers };
        foreach (var userId in message.Mentions)
        {
            sends.Add(hub.Clients.Group(ChatGroups.User(userId)).Mentioned(message));
        }

        return Task.WhenAll(sends);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Real-time push for conversation {ConversationId} failed; clients will catch up")]
    private partial void LogFanoutFailed(Exception exception, Guid conversationId);
}
