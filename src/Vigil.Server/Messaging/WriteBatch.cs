using Microsoft.EntityFrameworkCore;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;

namespace Vigil.Server.Messaging;

/// <summary>
/// The state one group commit works on: a DbContext inside one transaction, the conversations and memberships its
/// commands touch (loaded once per batch), and the events to publish once it has committed.
/// </summary>
/// <param name="optimistic">
/// When true, a send is not looked up by client message id before insert: the unique index on
/// (conversation, sender, client id) refuses a duplicate, the batch rolls back, and the writer replays each command
/// alone, non-optimistically, where the lookup returns the stored message. Retries are rare; the lookup on every
/// send would scan each conversation's messages.
/// </param>
internal sealed class WriteBatch(
    VigilDbContext db, TimeProvider time, IIdGenerator ids, CommitmentKeyStore keys, DataKeyStore dataKeys, bool optimistic,
    Webhooks.WebhookRegistry? webhooks = null)
{
    private readonly Dictionary<Guid, Conversation?> _conversations = [];
    private readonly Dictionary<(Guid, Guid), ConversationMember?> _members = [];
    private readonly Dictionary<(Guid, Guid, string), Message> _messagesByClientId = [];
    private readonly HashSet<(Guid, Guid, string)> _clientIdsChecked = [];

    public VigilDbContext Db => db;

    public DateTimeOffset Now { get; } = time.GetUtcNow();

    public IIdGenerator Ids => ids;

    public List<ChatEvent> Events { get; } = [];

    /// <summary>Ledger events of this batch, appended in the same transaction.</summary>
    public List<LedgerEvent> LedgerEvents { get; } = [];

    public Task<byte[]> CommitmentKeyAsync(Guid conversationId, CancellationToken cancellationToken) =>
        keys.GetOrCreateAsync(db, conversationId, Now, cancellationToken);

    /// <summary>The key that encrypts the conversation's content; null once erased (nothing more may be written).</summary>
    public async Task<byte[]?> DataKeyAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        var subject = DataKeyStore.SubjectOf(conversation);
        var (key, created) = await dataKeys.GetOrCreateAsync(db, subject, Now, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LedgerEvents.Add(new LedgerEvent(null, LedgerActions.KeyCreated, $"subject/{subject:D}"));
        }

        return key;
    }

    /// <summary>Queues a webhook event in this batch's transaction, so it is delivered if and only if the change commits.</summary>
    public void Webhook(string eventName, object data) => webhooks?.Enqueue(db, ids, eventName, data, Now);

    /// <summary>A subject's existing data key (null when erased or never made).</summary>
    public Task<byte[]?> DataKeyAsync(Guid subjectId, CancellationToken cancellationToken) => dataKeys.GetAsync(db, subjectId, cancellationToken);

    /// <summary>Messages to insert directly (not tracked) before the tracked changes are saved.</summary>
    public List<Message> NewMessages { get; } = [];

    /// <summary>Conversations whose last sequence this batch's sends moved: written directly, before the tracked changes.</summary>
    public HashSet<Conversation> SequencesMoved { get; } = [];

    // Compiled once: at a few messages a batch the two prefetches took over a third of the writer's time in a profile
    // at 500 msg/s, much of it EF turning the same LINQ into the same SQL again (parameter extraction, cache lookup).
    private static readonly CompiledPerModel<Func<VigilDbContext, List<Guid>, IAsyncEnumerable<Conversation>>> ConversationsById = new(() =>
        EF.CompileAsyncQuery((VigilDbContext db, List<Guid> ids) => db.Conversations.Where(c => ids.Contains(c.Id))));

    private static readonly CompiledPerModel<Func<VigilDbContext, List<Guid>, List<Guid>, IAsyncEnumerable<ConversationMember>>> MembersOf = new(() =>
        EF.CompileAsyncQuery((VigilDbContext db, List<Guid> conversationIds, List<Guid> userIds) =>
            db.ConversationMembers.Where(m => conversationIds.Contains(m.ConversationId) && userIds.Contains(m.UserId))));

    /// <summary>Loads in two queries what every send in the batch needs, instead of two queries a send.</summary>
    public async Task PrefetchSendsAsync(IReadOnlyList<SendMessageCommand> sends, CancellationToken cancellationToken)
    {
        if (sends.Count == 0)
        {
            return;
        }

        var conversationIds = sends.Select(s => s.ConversationId).Distinct().ToList();
        if (DirectRead.CanRead<Conversation>(db) && DirectRead.CanRead<ConversationMember>(db))
        {
            var found = DirectRead.FindAll<Conversation>(db, [.. conversationIds.Select(id => new object[] { id })], cancellationToken);
            for (var i = 0; i < conversationIds.Count; i++)
            {
                _conversations[conversationIds[i]] = found[i];
            }

            var pairs = sends.Select(s => (s.ConversationId, s.SenderId)).Distinct().ToList();
            var members = DirectRead.FindAll<ConversationMember>(db, [.. pairs.Select(p => new object[] { p.ConversationId, p.SenderId })], cancellationToken);
            for (var i = 0; i < pairs.Count; i++)
            {
                _members[pairs[i]] = members[i];
            }

            return;
        }

        var senderIds = sends.Select(s => s.SenderId).Distinct().ToList();
        await foreach (var conversation in ConversationsById.For(db)(db, conversationIds).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            _conversations[conversation.Id] = conversation;
        }

        await foreach (var member in MembersOf.For(db)(db, conversationIds, senderIds).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            _members[(member.ConversationId, member.UserId)] = member;
        }

        foreach (var send in sends)
        {
            _conversations.TryAdd(send.ConversationId, null);
            _members.TryAdd((send.ConversationId, send.SenderId), null);
        }
    }

    public async Task<Conversation?> ConversationAsync(Guid id, CancellationToken cancellationToken)
    {
        if (!_conversations.TryGetValue(id, out var conversation))
        {
            conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == id, cancellationToken).ConfigureAwait(false);
            _conversations[id] = conversation;
        }

        return conversation;
    }

    public async Task<ConversationMember?> MemberAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        if (!_members.TryGetValue((conversationId, userId), out var member))
        {
            member = await db.ConversationMembers
                .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.UserId == userId, cancellationToken).ConfigureAwait(false);
            _members[(conversationId, userId)] = member;
        }

        return member;
    }

    /// <summary>The message an earlier attempt with the same client id stored, in this batch or before it.</summary>
    public async Task<Message?> ExistingSendAsync(Guid conversationId, Guid senderId, string clientMessageId, CancellationToken cancellationToken)
    {
        var key = (conversationId, senderId, clientMessageId);
        if (_messagesByClientId.TryGetValue(key, out var message) || optimistic || _clientIdsChecked.Contains(key))
        {
            return message;
        }

        message = await db.Messages.Include(m => m.Attachments)
            .SingleOrDefaultAsync(m => m.ConversationId == conversationId && m.SenderId == senderId && m.ClientMessageId == clientMessageId, cancellationToken)
            .ConfigureAwait(false);
        _clientIdsChecked.Add(key);
        if (message is not null)
        {
            _messagesByClientId[key] = message;
        }

        return message;
    }

    public void Remember(Message message) =>
        _messagesByClientId[(message.ConversationId, message.SenderId, message.ClientMessageId)] = message;
}
