using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Messaging;

/// <summary>
/// One change to apply inside a group commit. <see cref="StageAsync"/> validates against the batch's view of the
/// database and stages entities; a refusal must be thrown before anything is staged. The caller learns the outcome
/// only after the batch has committed.
/// </summary>
internal abstract class WriteCommand
{
    public abstract Task StageAsync(WriteBatch batch, CancellationToken cancellationToken);

    /// <summary>Work the node does for itself (index chunks, checkpoints, screening results), not a user's command:
    /// the search index gives way only to the latter.</summary>
    public virtual bool IsBackground => false;

    /// <summary>Called once the batch is durable.</summary>
    public abstract void Committed();

    public abstract void Failed(Exception exception);
}

internal abstract class WriteCommand<TResult> : WriteCommand
{
    private readonly TaskCompletionSource<TResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TResult? _result;
    private Exception? _refusal;

    public Task<TResult> Completion => _completion.Task;

    public sealed override async Task StageAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        _refusal = null;
        try
        {
            _result = await ExecuteAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (ProblemException refusal)
        {
            _refusal = refusal;
        }
    }

    public sealed override void Committed()
    {
        if (_refusal is not null)
        {
            _completion.TrySetException(_refusal);
        }
        else
        {
            _completion.TrySetResult(_result!);
        }
    }

    public sealed override void Failed(Exception exception) => _completion.TrySetException(exception);

    protected abstract Task<TResult> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken);

    protected static async Task<(Conversation Conversation, ConversationMember Member)> RequireMemberAsync(
        WriteBatch batch, Guid conversationId, Guid userId, CancellationToken cancellationToken)
    {
        var conversation = await batch.ConversationAsync(conversationId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The conversation");
        var member = await batch.MemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false)
            ?? throw ConversationAccess.NotAMember(conversation.Kind);
        return (conversation, member);
    }

    /// <summary>The conversation's data key; a write to erased content is refused.</summary>
    protected static async Task<byte[]> RequireDataKeyAsync(WriteBatch batch, Conversation conversation, CancellationToken cancellationToken) =>
        await batch.DataKeyAsync(conversation, cancellationToken).ConfigureAwait(false)
        ?? throw new ProblemException(StatusCodes.Status410Gone, ProblemTypes.Conflict, "Content erased",
            "This conversation's content was erased; nothing more can be written to it.");

    protected static string? Decrypt(byte[]? key, Message message) =>
        key is null ? null : ContentCipher.Decrypt(key, message.Id, message.Body);

    protected static async Task<Message> LoadMessageAsync(WriteBatch batch, Guid messageId, CancellationToken cancellationToken) =>
        await batch.Db.Messages.Include(m => m.Attachments)
            .SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken).ConfigureAwait(false)
        ?? throw ProblemException.NotFound("The message");
}

/// <summary>The stored message, and whether this send stored it (false for an idempotent retry).</summary>
internal sealed record SendOutcome(MessageDto Message, bool Created);

internal sealed class SendMessageCommand(Guid conversationId, Guid senderId, SendMessageRequest request) : WriteCommand<SendOutcome>
{
    public Guid ConversationId { get; } = conversationId;

    public Guid SenderId { get; } = senderId;

    public SendMessageRequest Request { get; } = request;

    /// <summary>Sent by a bot (care bot, incoming webhook): marked as automated.</summary>
    public bool Automated { get; init; }

    protected override Task<SendOutcome> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken) =>
        StageAsync(batch, reminderId: null, cancellationToken);

    /// <summary>Stages the message in <paramref name="batch"/>; other commands (reminders) send through this too.</summary>
    internal async Task<SendOutcome> StageAsync(WriteBatch batch, Guid? reminderId, CancellationToken cancellationToken)
    {
        var (conversation, member) = await RequireMemberAsync(batch, ConversationId, SenderId, cancellationToken).ConfigureAwait(false);
        if (member.Role == MemberRoles.ReadOnly)
        {
            throw ConversationAccess.ReadOnly();
        }

        var dataKey = await RequireDataKeyAsync(batch, conversation, cancellationToken).ConfigureAwait(false);
        var existing = await batch.ExistingSendAsync(ConversationId, SenderId, Request.ClientMessageId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            // An idempotent retry: the first attempt was stored; hand it back and store nothing.
            return new SendOutcome(existing.ToDto(Decrypt(dataKey, existing)), Created: false);
        }

        if (conversation.Kind == ConversationKinds.Patient && conversation.PatientId != SenderId
            && await batch.Db.PatientProfiles.AnyAsync(p => p.Id == conversation.PatientId && !p.MessagingConsent, cancellationToken).ConfigureAwait(false))
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, ProblemTypes.Forbidden, "No consent",
                "The patient has not consented to messaging (or has withdrawn consent); nothing can be sent to them.");
        }

        if (Request.ReplyToId is { } replyTo
            && !await batch.Db.Messages.AnyAsync(m => m.Id == replyTo && m.ConversationId == ConversationId, cancellationToken).ConfigureAwait(false))
        {
            throw ProblemException.Validation("replyToId does not name a message in this conversation.");
        }

        var attachments = await ClaimAttachmentsAsync(batch, cancellationToken).ConfigureAwait(false);
        var mentions = await ResolveMentionsAsync(batch, cancellationToken).ConfigureAwait(false);
        var key = await batch.CommitmentKeyAsync(ConversationId, cancellationToken).ConfigureAwait(false);

        conversation.LastSequence++;
        batch.SequencesMoved.Add(conversation);
        var body = Request.Body ?? "";
        var id = batch.Ids.NewId();
        var message = new Message
        {
            Id = id,
            ConversationId = ConversationId,
            Sequence = conversation.LastSequence,
            SenderId = SenderId,
            ClientMessageId = Request.ClientMessageId,
            Body = ContentCipher.Encrypt(dataKey, id, body),
            ReplyToId = Request.ReplyToId,
            ReminderId = reminderId,
            Automated = Automated,
            SentAt = batch.Now,
            Mentions = mentions,
            Attachments = attachments,
        };
        foreach (var attachment in attachments)
        {
            attachment.MessageId = message.Id;
        }

        batch.NewMessages.Add(message);
        batch.Remember(message);
        if (conversation.SafetyMonitored || !conversation.PhiAllowed)
        {
            // The outbox row commits with the message, so a crash before screening delays it but never skips it.
            batch.Db.SafetyScans.Add(new Safety.SafetyScan
            {
                MessageId = message.Id,
                Version = 1,
                EnqueuedAt = batch.Now,
                PhiAcknowledged = Request.PhiAcknowledged && !conversation.PhiAllowed,
            });
        }

        batch.LedgerEvents.Add(new LedgerEvent(SenderId, LedgerActions.MessageCreated, LedgerActions.MessageTarget(message.Id, 1),
            Commitment: MessageCommitments.Version(key, message.Id, 1, body, SenderId, message.SentAt)));
        if (Request.PhiAcknowledged && !conversation.PhiAllowed)
        {
            batch.LedgerEvents.Add(new LedgerEvent(SenderId, LedgerActions.PhiWarningOverridden, LedgerActions.MessageTarget(message.Id, 1)));
        }

        var dto = message.ToDto(body);
        batch.Events.Add(new MessageCreatedEvent(dto));
        batch.Webhook(Webhooks.WebhookEvents.MessageCreated, new { messageId = message.Id, conversationId = ConversationId, sequence = message.Sequence, senderId = SenderId });
        return new SendOutcome(dto, Created: true);
    }

    private async Task<List<Attachments.Attachment>> ClaimAttachmentsAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var ids = Request.AttachmentIds?.Distinct().ToList() ?? [];
        if (ids.Count == 0)
        {
            return [];
        }

        var found = await batch.Db.Attachments
            .Where(a => ids.Contains(a.Id) && a.ConversationId == ConversationId && a.UploaderId == SenderId && a.MessageId == null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (found.Count != ids.Count)
        {
            throw ProblemException.Validation("attachmentIds must name your own unsent uploads to this conversation.");
        }

        return [.. ids.Select(id => found.Single(a => a.Id == id))];
    }

    private async Task<List<Guid>> ResolveMentionsAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var names = MentionParser.Usernames(Request.Body ?? "");
        if (names.Count == 0)
        {
            return [];
        }

        var normalized = names.Select(n => n.ToUpperInvariant()).ToList();
        return await (from u in batch.Db.Users
                      join m in batch.Db.ConversationMembers on u.Id equals m.UserId
                      where m.ConversationId == ConversationId && normalized.Contains(u.NormalizedUserName!)
                      select u.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>An edit: the previous value is kept as a version with its author, time and reason (Part 11 §11.10(e)).</summary>
internal sealed class EditMessageCommand(Guid messageId, Guid editorId, EditMessageRequest request) : WriteCommand<MessageDto>
{
    protected override async Task<MessageDto> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var message = await LoadMessageAsync(batch, messageId, cancellationToken).ConfigureAwait(false);
        var (conversation, member) = await RequireMemberAsync(batch, message.ConversationId, editorId, cancellationToken).ConfigureAwait(false);
        if (message.SenderId != editorId)
        {
            throw ProblemException.Forbidden("Only the sender can edit a message.");
        }

        if (member.Role == MemberRoles.ReadOnly)
        {
            throw ConversationAccess.ReadOnly();
        }

        if (message.DeletedAt is not null)
        {
            throw ProblemException.Conflict("A deleted message cannot be edited.");
        }

        var key = await batch.CommitmentKeyAsync(message.ConversationId, cancellationToken).ConfigureAwait(false);
        var dataKey = await RequireDataKeyAsync(batch, conversation, cancellationToken).ConfigureAwait(false);

        // The earlier value moves to history still encrypted, exactly as stored.
        batch.Db.MessageVersions.Add(new MessageVersion
        {
            MessageId = message.Id,
            Version = message.Version,
            Body = message.Body,
            AuthorId = message.EditedBy ?? message.SenderId,
            WrittenAt = message.EditedAt ?? message.SentAt,
            Reason = message.EditReason,
        });
        message.Body = ContentCipher.Encrypt(dataKey, message.Id, request.Body);
        message.Version++;
        message.EditedAt = batch.Now;
        message.EditedBy = editorId;
        message.EditReason = request.Reason.Trim();
        batch.LedgerEvents.Add(new LedgerEvent(editorId, LedgerActions.MessageEdited, LedgerActions.MessageTarget(message.Id, message.Version),
            message.EditReason, MessageCommitments.Version(key, message.Id, message.Version, request.Body, editorId, batch.Now)));
        var dto = message.ToDto(request.Body);
        batch.Events.Add(new MessageEditedEvent(dto));
        if (conversation.SafetyMonitored || !conversation.PhiAllowed)
        {
            batch.Db.SafetyScans.Add(new Safety.SafetyScan { MessageId = message.Id, Version = message.Version, EnqueuedAt = batch.Now });
        }

        return dto;
    }
}

/// <summary>A deletion leaves a tombstone with its reason; the content stays for compliance review.</summary>
internal sealed class DeleteMessageCommand(Guid messageId, Guid deleterId, string reason) : WriteCommand<MessageDto>
{
    protected override async Task<MessageDto> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var message = await LoadMessageAsync(batch, messageId, cancellationToken).ConfigureAwait(false);
        var (_, member) = await RequireMemberAsync(batch, message.ConversationId, deleterId, cancellationToken).ConfigureAwait(false);
        if (message.SenderId != deleterId && member.Role != MemberRoles.Owner)
        {
            throw ProblemException.Forbidden("Only the sender or a conversation owner can delete a message.");
        }

        if (message.DeletedAt is not null)
        {
            return message.ToDto(null);
        }

        var key = await batch.CommitmentKeyAsync(message.ConversationId, cancellationToken).ConfigureAwait(false);
        message.DeletedAt = batch.Now;
        message.DeletedBy = deleterId;
        message.DeletedReason = reason.Trim();
        batch.LedgerEvents.Add(new LedgerEvent(deleterId, LedgerActions.MessageDeleted, LedgerActions.MessageTarget(message.Id, message.Version),
            message.DeletedReason, MessageCommitments.Deletion(key, message.Id, deleterId, batch.Now, message.DeletedReason)));
        var dto = message.ToDto(null);
        batch.Events.Add(new MessageDeletedEvent(dto));
        return dto;
    }
}

/// <summary>Moves a member's read marker forward (never back) and tells the other members.</summary>
internal sealed class MarkReadCommand(Guid conversationId, Guid userId, long sequence) : WriteCommand<ReadReceiptDto>
{
    protected override async Task<ReadReceiptDto> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var (conversation, member) = await RequireMemberAsync(batch, conversationId, userId, cancellationToken).ConfigureAwait(false);
        if (sequence < 0)
        {
            throw ProblemException.Validation("sequence must not be negative.");
        }

        var target = Math.Min(sequence, conversation.LastSequence);
        if (target > member.LastReadSequence)
        {
            member.LastReadSequence = target;
            var receipt = new ReadReceiptDto(conversationId, userId, target);
            batch.Events.Add(new ReadReceiptEvent(receipt));
            return receipt;
        }

        return new ReadReceiptDto(conversationId, userId, member.LastReadSequence);
    }
}
