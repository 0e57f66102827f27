using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Signatures;

namespace Vigil.Server.Messaging;

/// <summary>Reads of messages: pages for catch-up and scroll-back, and the full history of one message.</summary>
public sealed class MessageQueries(
    VigilDbContext db, ConversationAccess access, DataKeyStore dataKeys, LedgerRecorder ledger, IOptions<MessagingOptions> options)
{
    public const int DefaultPageSize = 100;

    /// <summary>
    /// A page in ascending sequence order. <paramref name="after"/> is for catch-up (the next messages after the last
    /// one seen); <paramref name="before"/> for scrolling back (the latest messages before it).
    /// </summary>
    public async Task<IReadOnlyList<MessageDto>> PageAsync(
        Guid conversationId, Guid userId, long? after, long? before, int? limit, CancellationToken cancellationToken)
    {
        var (conversation, _) = await access.RequireMemberAsync(conversationId, userId, cancellationToken).ConfigureAwait(false);
        var size = limit ?? DefaultPageSize;
        if (size < 1 || size > options.Value.MaxPageSize)
        {
            throw ProblemException.Validation($"limit must be between 1 and {options.Value.MaxPageSize}.");
        }

        if (after < 0 || before < 0)
        {
            throw ProblemException.Validation("after and before must not be negative.");
        }

        var query = db.Messages.AsNoTracking().Include(m => m.Attachments).Where(m => m.ConversationId == conversationId);
        if (after is { } a)
        {
            query = query.Where(m => m.Sequence > a);
        }

        if (before is { } b)
        {
            query = query.Where(m => m.Sequence < b);
        }

        List<Message> page;
        if (before is not null && after is null)
        {
            page = await query.OrderByDescending(m => m.Sequence).Take(size).ToListAsync(cancellationToken).ConfigureAwait(false);
            page.Reverse();
        }
        else
        {
            page = await query.OrderBy(m => m.Sequence).Take(size).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        await AuditPatientReadAsync(conversation, userId, string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"messages after={after} before={before} count={page.Count}"), cancellationToken).ConfigureAwait(false);
        var key = await KeyOfAsync(conversation, cancellationToken).ConfigureAwait(false);
        var signatures = await SignaturesOfAsync([.. page.Select(m => m.Id)], cancellationToken).ConfigureAwait(false);
        return [.. page.Select(m => m.ToDto(Decrypt(key, m.Id, m.Body)) with { Signatures = signatures[m.Id].Select(s => s.ToDto(m.Version)).ToList() })];
    }

    /// <summary>One message as a member sees it, decrypted.</summary>
    public async Task<MessageDto> ReadAsync(Guid messageId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().Include(m => m.Attachments)
            .SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The message");
        var (conversation, _) = await access.RequireMemberAsync(message.ConversationId, user.UserId(), cancellationToken).ConfigureAwait(false);
        await AuditPatientReadAsync(conversation, user.UserId(), $"message {message.Id:D}", cancellationToken).ConfigureAwait(false);
        var key = await KeyOfAsync(conversation, cancellationToken).ConfigureAwait(false);
        var signatures = await SignaturesOfAsync([message.Id], cancellationToken).ConfigureAwait(false);
        return message.ToDto(Decrypt(key, message.Id, message.Body)) with { Signatures = signatures[message.Id].Select(s => s.ToDto(message.Version)).ToList() };
    }

    /// <summary>
    /// Every value the message has had, oldest first, with author, time and reason. Members see the values of a
    /// live message; once deleted, only compliance roles see the content, and they may review any conversation.
    /// </summary>
    public async Task<MessageHistoryDto> HistoryAsync(Guid messageId, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The message");
        var compliance = user.IsComplianceReader();
        if (!compliance)
        {
            await access.RequireMemberAsync(message.ConversationId, user.UserId(), cancellationToken).ConfigureAwait(false);
        }

        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == message.ConversationId, cancellationToken).ConfigureAwait(false);
        var reveal = compliance || message.DeletedAt is null;
        await AuditPatientReadAsync(conversation, user.UserId(), $"history of message {message.Id:D}", cancellationToken).ConfigureAwait(false);
        var key = reveal ? await KeyOfAsync(conversation, cancellationToken).ConfigureAwait(false) : null;
        var earlier = await db.MessageVersions.AsNoTracking().Where(v => v.MessageId == messageId)
            .OrderBy(v => v.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
        var versions = earlier
            .Select(v => new MessageVersionDto(v.Version, Decrypt(key, message.Id, v.Body), v.AuthorId, v.WrittenAt, v.Reason))
            .Append(new MessageVersionDto(message.Version, Decrypt(key, message.Id, message.Body), message.EditedBy ?? message.SenderId,
                message.EditedAt ?? message.SentAt, message.EditReason))
            .ToList();
        return new MessageHistoryDto(message.Id, message.ConversationId, versions, message.DeletedAt is not null,
            message.DeletedAt, message.DeletedBy, message.DeletedReason);
    }

    internal async Task<ILookup<Guid, ElectronicSignature>> SignaturesOfAsync(List<Guid> messageIds, CancellationToken cancellationToken) =>
        (await db.Signatures.AsNoTracking().Where(s => s.MessageId != null && messageIds.Contains(s.MessageId.Value)).OrderBy(s => s.SignedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToLookup(s => s.MessageId!.Value);

    private Task AuditPatientReadAsync(Conversation conversation, Guid userId, string what, CancellationToken cancellationToken) =>
        conversation.Kind == ConversationKinds.Patient
            ? ledger.RecordPatientReadAsync(userId, conversation.Id, what, cancellationToken)
            : Task.CompletedTask;

    private Task<byte[]?> KeyOfAsync(Conversation conversation, CancellationToken cancellationToken) =>
        dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken);

    private static string? Decrypt(byte[]? key, Guid messageId, string stored) =>
        key is null ? null : ContentCipher.Decrypt(key, messageId, stored);
}
