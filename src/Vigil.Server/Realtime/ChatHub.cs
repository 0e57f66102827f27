using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;

namespace Vigil.Server.Realtime;

/// <summary>
/// The real-time endpoint. A connection joins the groups of its user's conversations; sends go through the same
/// validation and writer as REST, so both paths store and refuse alike.
/// </summary>
/// <remarks>
/// SignalR makes a hub, with a service scope, for every call. The database context and what needs it are resolved
/// from that scope only by the calls that read (<paramref name="services"/>): a send goes to the writer and never
/// touches them, and leasing and resetting a pooled context for it cost 2.7% of the server's core under ingest
/// (bench/results/hub-scope-2026-11-27.md).
/// </remarks>
[Authorize]
public sealed class ChatHub(
    MessageWriter writer,
    MessageInput input,
    PresenceTracker presence,
    IPresenceDirectory directory,
    IServiceProvider services,
    TimeProvider time) : Hub<IChatClient>
{
    // Scoped: every resolution within one call is the same instance.
    private VigilDbContext Db => services.GetRequiredService<VigilDbContext>();

    private ConversationAccess Access => services.GetRequiredService<ConversationAccess>();

    public override async Task OnConnectedAsync()
    {
        var userId = Context.User!.UserId();
        var conversationIds = await Db.ConversationMembers.AsNoTracking().Where(m => m.UserId == userId)
            .Select(m => m.ConversationId).ToListAsync(Context.ConnectionAborted).ConfigureAwait(false);
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.User(userId), Context.ConnectionAborted).ConfigureAwait(false);
        foreach (var conversationId in conversationIds)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversationId), Context.ConnectionAborted)
                .ConfigureAwait(false);
        }

        if (presence.Connected(userId, Context.ConnectionId))
        {
            await directory.PublishAsync(userId, PresenceStatuses.Online, Context.ConnectionAborted).ConfigureAwait(false);
            await AnnouncePresenceAsync(userId, PresenceStatuses.Online, conversationIds).ConfigureAwait(false);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        var userId = Context.User!.UserId();
        if (presence.Disconnected(userId, Context.ConnectionId))
        {
            await directory.PublishAsync(userId, PresenceStatuses.Offline, CancellationToken.None).ConfigureAwait(false);
            if ((await directory.StatusesAsync([userId], CancellationToken.None).ConfigureAwait(false)).ContainsKey(userId))
            {
                // Still connected through another node: not offline.
                return;
            }

            var conversationIds = await Db.ConversationMembers.AsNoTracking().Where(m => m.UserId == userId)
                .Select(m => m.ConversationId).ToListAsync().ConfigureAwait(false);
            await AnnouncePresenceAsync(userId, PresenceStatuses.Offline, conversationIds).ConfigureAwait(false);
        }
    }

    /// <summary>Returns the stored message once it is durable; a retry with the same client id returns the same message.</summary>
    public async Task<MessageDto> SendMessage(Guid conversationId, SendMessageRequest request)
    {
        input.ValidateSend(request);
        var outcome = await writer.SubmitAsync(new SendMessageCommand(conversationId, Context.User!.UserId(), request), Context.ConnectionAborted)
            .ConfigureAwait(false);
        return outcome.Message;
    }

    public Task<ReadReceiptDto> MarkRead(Guid conversationId, long sequence) =>
        writer.SubmitAsync(new MarkReadCommand(conversationId, Context.User!.UserId(), sequence), Context.ConnectionAborted);

    public async Task Typing(Guid conversationId)
    {
        var userId = Context.User!.UserId();
        await Access.RequireMemberAsync(conversationId, userId, Context.ConnectionAborted).ConfigureAwait(false);
        await Clients.OthersInGroup(ChatGroups.Conversation(conversationId))
            .Typing(new TypingDto(conversationId, userId, time.GetUtcNow())).ConfigureAwait(false);
    }

    /// <summary>See <see cref="ChatHubContract.Heads"/>: one read instead of one catch-up request per conversation.</summary>
    public async Task<IReadOnlyList<ConversationHeadDto>> Heads()
    {
        var userId = Context.User!.UserId();
        return await (from m in Db.ConversationMembers.AsNoTracking()
                      join c in Db.Conversations.AsNoTracking() on m.ConversationId equals c.Id
                      where m.UserId == userId
                      select new ConversationHeadDto(c.Id, c.LastSequence)).ToListAsync(Context.ConnectionAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Joins this connection to a conversation's live events. Clients call it when told they were added to a
    /// conversation: the node that added them can only join the connections it holds itself.
    /// </summary>
    public async Task Subscribe(Guid conversationId)
    {
        await Access.RequireMemberAsync(conversationId, Context.User!.UserId(), Context.ConnectionAborted).ConfigureAwait(false);
        await Groups.AddToGroupAsync(Context.ConnectionId, ChatGroups.Conversation(conversationId), Context.ConnectionAborted).ConfigureAwait(false);
    }

    public async Task SetPresence(string status)
    {
        if (status is not (PresenceStatuses.Online or PresenceStatuses.Away))
        {
            throw ProblemException.Validation("status must be 'online' or 'away'.");
        }

        var userId = Context.User!.UserId();
        if (presence.SetStatus(userId, status))
        {
            await directory.PublishAsync(userId, status, Context.ConnectionAborted).ConfigureAwait(false);
            var conversationIds = await Db.ConversationMembers.AsNoTracking().Where(m => m.UserId == userId)
                .Select(m => m.ConversationId).ToListAsync(Context.ConnectionAborted).ConfigureAwait(false);
            await AnnouncePresenceAsync(userId, status, conversationIds).ConfigureAwait(false);
        }
    }

    private Task AnnouncePresenceAsync(Guid userId, string status, List<Guid> conversationIds)
    {
        var groups = conversationIds.Select(ChatGroups.Conversation).Append(ChatGroups.User(userId)).ToList();
        return Clients.Groups(groups).PresenceChanged(new PresenceDto(userId, status, time.GetUtcNow()));
    }
}
