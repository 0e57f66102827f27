using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;

namespace Vigil.Server.Signatures;

/// <summary>Applies a signature to the current version of a message, through the single writer, with its ledger entry.</summary>
internal sealed class SignMessageCommand(Guid messageId, Guid signerId, string signerName, string meaning, int? expectedVersion)
    : WriteCommand<SignatureDto>
{
    protected override async Task<SignatureDto> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var message = await batch.Db.Messages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == messageId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The message");
        var (conversation, _) = await RequireMemberAsync(batch, message.ConversationId, signerId, cancellationToken).ConfigureAwait(false);
        if (message.DeletedAt is not null)
        {
            throw ProblemException.Conflict("A deleted message cannot be signed.");
        }

        if (expectedVersion is { } expected && expected != message.Version)
        {
            throw ProblemException.Conflict($"The message is at version {message.Version}, not {expected}: review the current text before signing.");
        }

        var dataKey = await RequireDataKeyAsync(batch, conversation, cancellationToken).ConfigureAwait(false);
        var key = await batch.CommitmentKeyAsync(message.ConversationId, cancellationToken).ConfigureAwait(false);
        var body = ContentCipher.Decrypt(dataKey, message.Id, message.Body);
        var content = MessageCommitments.Version(key, message.Id, message.Version, body, message.EditedBy ?? message.SenderId,
            message.EditedAt ?? message.SentAt);
        var signature = SignatureStaging.Stage(batch, key, LedgerActions.MessageTarget(message.Id, message.Version), new ElectronicSignature
        {
            MessageId = message.Id,
            Version = message.Version,
            SignerId = signerId,
            SignerName = signerName,
            Meaning = meaning,
            ContentCommitment = content,
        });
        return signature.ToDto(message.Version);
    }
}

/// <summary>Signs an attachment (its plaintext hash, size and name) through the single writer, with its ledger entry.</summary>
internal sealed class SignAttachmentCommand(Guid attachmentId, Guid signerId, string signerName, string meaning) : WriteCommand<SignatureDto>
{
    protected override async Task<SignatureDto> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var attachment = await batch.Db.Attachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The attachment");
        await RequireMemberAsync(batch, attachment.ConversationId, signerId, cancellationToken).ConfigureAwait(false);
        var key = await batch.CommitmentKeyAsync(attachment.ConversationId, cancellationToken).ConfigureAwait(false);
        var content = MessageCommitments.Attachment(key, attachment.Id, attachment.Sha256, attachment.Size, attachment.FileName);
        var signature = SignatureStaging.Stage(batch, key, $"attachment/{attachment.Id:D}", new ElectronicSignature
        {
            AttachmentId = attachment.Id,
            Version = 1,
            SignerId = signerId,
            SignerName = signerName,
            Meaning = meaning,
            ContentCommitment = content,
        });
        return signature.ToDto(1);
    }
}

/// <summary>What every signature does in the batch: take an id and the batch's time, be stored, and get its ledger entry.</summary>
internal static class SignatureStaging
{
    public static ElectronicSignature Stage(WriteBatch batch, byte[] commitmentKey, string target, ElectronicSignature signature)
    {
        signature.Id = batch.Ids.NewId();
        signature.SignedAt = batch.Now;
        batch.Db.Signatures.Add(signature);
        batch.LedgerEvents.Add(new LedgerEvent(signature.SignerId, LedgerActions.SignatureApplied, target, signature.Meaning,
            MessageCommitments.Signature(commitmentKey, signature.Id, signature.SignerId, signature.SignerName, signature.Meaning,
                signature.SignedAt, signature.ContentCommitment)));
        return signature;
    }
}
