using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Server.Data;
using Vigil.Server.Keys;

namespace Vigil.Server.Ledger;

/// <summary>The outcome of a full verification; <see cref="FirstProblem"/> is null when everything holds.</summary>
public sealed record LedgerVerification(long Entries, int Checkpoints, long MessageVersions, long ErasedVersions, string? FirstProblem)
{
    public bool Holds => FirstProblem is null;
}

/// <summary>
/// Recomputes everything from the tables, trusting nothing stored but the checkpoint signatures' public key: each
/// leaf from its entry's fields, each checkpoint root from the leaves, each message version and deletion against
/// its commitment, and that every message version has its entry. Stops at the first divergence and names it.
/// </summary>
public sealed class LedgerVerifier(VigilDbContext db, DataKeyStore dataKeys)
{
    public async Task<LedgerVerification> VerifyAsync(string publicKeyPem, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var total = await db.LedgerEntries.LongCountAsync(cancellationToken).ConfigureAwait(false);
        var leaves = new List<byte[]>((int)Math.Min(total, int.MaxValue));
        var messageEntries = new Dictionary<(Guid Id, int Version), (long Sequence, string? Commitment)>();
        var deletionEntries = new Dictionary<Guid, (long Sequence, string? Commitment)>();
        var signatureEntries = new Dictionary<string, long>(StringComparer.Ordinal);
        string? problem = null;

        await foreach (var entry in db.LedgerEntries.AsNoTracking().OrderBy(e => e.Sequence).AsAsyncEnumerable()
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (entry.Sequence != leaves.Count)
            {
                problem ??= entry.Sequence > leaves.Count
                    ? $"entry {leaves.Count} is missing (next entry is {entry.Sequence})"
                    : $"entry {entry.Sequence} appears twice";
                break;
            }

            var leaf = entry.ToData().LeafHash();
            if (!string.Equals(Convert.ToHexStringLower(leaf), entry.LeafHash, StringComparison.Ordinal))
            {
                problem ??= $"entry {entry.Sequence} ({entry.Action} {entry.Target}): its fields do not match its leaf hash";
            }

            leaves.Add(leaf);
            Index(entry, messageEntries, deletionEntries, signatureEntries);
            if (leaves.Count % 10_000 == 0)
            {
                progress?.Report((leaves.Count, total));
            }
        }

        progress?.Report((leaves.Count, total));
        var tree = new MerkleTree(leaves);
        var checkpoints = await db.LedgerCheckpoints.AsNoTracking().OrderBy(c => c.TreeSize).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var record in checkpoints)
        {
            if (problem is not null)
            {
                break;
            }

            var checkpoint = record.ToCheckpoint();
            if (!checkpoint.Verify(Convert.FromBase64String(record.Signature), publicKeyPem))
            {
                problem = $"checkpoint at size {record.TreeSize}: the signature is not valid (forged or altered checkpoint)";
            }
            else if (record.TreeSize > leaves.Count)
            {
                problem = $"checkpoint at size {record.TreeSize} was signed but only {leaves.Count} entries remain (entries removed from the end)";
            }
            else if (!tree.Root(record.TreeSize).AsSpan().SequenceEqual(checkpoint.RootHash))
            {
                problem = $"checkpoint at size {record.TreeSize}: the entries no longer hash to the signed root (history rewritten)";
            }
        }

        long versions = 0, erased = 0;
        var signedContent = new Dictionary<(Guid, int), string>();
        if (problem is null)
        {
            (versions, erased, problem) = await VerifyMessagesAsync(messageEntries, deletionEntries, signedContent, cancellationToken).ConfigureAwait(false);
        }

        if (problem is null)
        {
            problem = await VerifySignaturesAsync(signatureEntries, signedContent, cancellationToken).ConfigureAwait(false);
        }

        return new LedgerVerification(leaves.Count, checkpoints.Count, versions, erased, problem);
    }

    private static void Index(
        LedgerEntry entry,
        Dictionary<(Guid, int), (long, string?)> messageEntries,
        Dictionary<Guid, (long, string?)> deletionEntries,
        Dictionary<string, long> signatureEntries)
    {
        if (entry.Action == LedgerActions.SignatureApplied && entry.Commitment is not null)
        {
            signatureEntries[entry.Commitment] = entry.Sequence;
            return;
        }

        if (entry.Action is not (LedgerActions.MessageCreated or LedgerActions.MessageEdited or LedgerActions.MessageDeleted))
        {
            return;
        }

        // Targets look like message/{id}/v{version}.
        if (!entry.Target.StartsWith("message/", StringComparison.Ordinal))
        {
            return;
        }

        var parts = entry.Target.Split('/');
        if (parts.Length != 3 || !Guid.TryParse(parts[1], out var id)
            || !int.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return;
        }

        if (entry.Action == LedgerActions.MessageDeleted)
        {
            deletionEntries[id] = (entry.Sequence, entry.Commitment);
        }
        else
        {
            messageEntries[(id, version)] = (entry.Sequence, entry.Commitment);
        }
    }

    private async Task<(long Versions, long Erased, string? Problem)> VerifyMessagesAsync(
        Dictionary<(Guid Id, int Version), (long Sequence, string? Commitment)> entries,
        Dictionary<Guid, (long Sequence, string? Commitment)> deletions,
        Dictionary<(Guid, int), string> versionCommitments,
        CancellationToken cancellationToken)
    {
        var keys = await db.CommitmentKeys.AsNoTracking().ToDictionaryAsync(k => k.SubjectId, k => k.Key, cancellationToken).ConfigureAwait(false);
        var subjects = await db.Conversations.AsNoTracking()
            .ToDictionaryAsync(c => c.Id, DataKeyStore.SubjectOf, cancellationToken).ConfigureAwait(false);
        var erasedSubjects = (await db.DataKeys.AsNoTracking().Where(k => k.WrappedKey == null).Select(k => k.SubjectId)
            .ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet();
        long erased = 0;
        var earlier = (await db.MessageVersions.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(v => v.MessageId);
        long checkedVersions = 0;
        var seen = new HashSet<(Guid, int)>();
        // Unwrapped before the messages stream: PostgreSQL runs one command at a time per connection, and the
        // stream holds it until the last message is read.
        var unwrapped = new Dictionary<Guid, byte[]?>();
        foreach (var subject in subjects.Values.Distinct().Where(s => !erasedSubjects.Contains(s)))
        {
            unwrapped[subject] = await dataKeys.GetAsync(db, subject, cancellationToken).ConfigureAwait(false);
        }

        await foreach (var message in db.Messages.AsNoTracking().OrderBy(m => m.ConversationId).ThenBy(m => m.Sequence).AsAsyncEnumerable()
                           .WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            var all = earlier[message.Id]
                .Select(v => (v.Version, v.Body, v.AuthorId, v.WrittenAt))
                .Append((message.Version, message.Body, message.EditedBy ?? message.SenderId, message.EditedAt ?? message.SentAt))
                .ToList();
            var subject = subjects.GetValueOrDefault(message.ConversationId, message.ConversationId);
            if (erasedSubjects.Contains(subject))
            {
                // Crypto-shredded: the content is gone by design; its entries must still be there.
                foreach (var (version, _, _, _) in all)
                {
                    if (!entries.ContainsKey((message.Id, version)))
                    {
                        return (checkedVersions, erased, $"message {message.Id} version {version} has no ledger entry");
                    }

                    seen.Add((message.Id, version));
                    erased++;
                }

                continue;
            }

            if (!keys.TryGetValue(message.ConversationId, out var key))
            {
                return (checkedVersions, erased, $"message {message.Id}: its conversation's commitment key is missing");
            }

            var dataKey = unwrapped.GetValueOrDefault(subject);
            if (dataKey is null)
            {
                return (checkedVersions, erased, $"message {message.Id}: its data key is missing");
            }

            foreach (var (version, stored, author, writtenAt) in all)
            {
                if (!entries.TryGetValue((message.Id, version), out var entry))
                {
                    return (checkedVersions, erased, $"message {message.Id} version {version} has no ledger entry");
                }

                string body;
                try
                {
                    body = ContentCipher.Decrypt(dataKey, message.Id, stored);
                }
                catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
                {
                    return (checkedVersions, erased, $"entry {entry.Sequence}: message {message.Id} version {version} cannot be decrypted (ciphertext altered or moved)");
                }

                var commitment = MessageCommitments.Version(key, message.Id, version, body, author, writtenAt);
                versionCommitments[(message.Id, version)] = commitment;
                if (!string.Equals(commitment, entry.Commitment, StringComparison.Ordinal))
                {
                    return (checkedVersions, erased, $"entry {entry.Sequence}: message {message.Id} version {version} does not match its commitment (content, author or time altered)");
                }

                checkedVersions++;
                seen.Add((message.Id, version));
            }

            if (message.DeletedAt is { } deletedAt)
            {
                if (!deletions.TryGetValue(message.Id, out var deletion))
                {
                    return (checkedVersions, erased, $"message {message.Id} is deleted but the ledger has no deletion entry");
                }

                if (!string.Equals(MessageCommitments.Deletion(key, message.Id, message.DeletedBy ?? Guid.Empty, deletedAt, message.DeletedReason ?? ""),
                        deletion.Commitment, StringComparison.Ordinal))
                {
                    return (checkedVersions, erased, $"entry {deletion.Sequence}: the deletion of message {message.Id} does not match its commitment");
                }
            }
            else if (deletions.TryGetValue(message.Id, out var undeleted))
            {
                return (checkedVersions, erased, $"entry {undeleted.Sequence}: message {message.Id} was deleted, but the table shows it live (deletion undone)");
            }
        }

        var orphan = entries.Where(e => !seen.Contains(e.Key)).OrderBy(e => e.Value.Sequence).Select(e => (KeyValuePair<(Guid Id, int Version), (long Sequence, string? Commitment)>?)e).FirstOrDefault();
        return orphan is { } missing
            ? (checkedVersions, erased, $"entry {missing.Value.Sequence}: message {missing.Key.Id} version {missing.Key.Version} is in the ledger but missing from the tables")
            : (checkedVersions, erased, null);
    }

    /// <summary>
    /// Each signature must point at the content its version really had (§11.70: a signature cannot be moved to other
    /// content) and match its ledger entry (signer, printed name, meaning and time unaltered); each signature in the
    /// ledger must still be in the table.
    /// </summary>
    private async Task<string?> VerifySignaturesAsync(
        Dictionary<string, long> entries, Dictionary<(Guid, int), string> versionCommitments, CancellationToken cancellationToken)
    {
        var keys = await db.CommitmentKeys.AsNoTracking().ToDictionaryAsync(k => k.SubjectId, k => k.Key, cancellationToken).ConfigureAwait(false);
        var conversationOf = await db.Messages.AsNoTracking().Where(m => db.Signatures.Any(s => s.MessageId == m.Id))
            .ToDictionaryAsync(m => m.Id, m => m.ConversationId, cancellationToken).ConfigureAwait(false);
        var attachments = await db.Attachments.AsNoTracking().Where(a => db.Signatures.Any(s => s.AttachmentId == a.Id))
            .ToDictionaryAsync(a => a.Id, cancellationToken).ConfigureAwait(false);
        var matched = 0;
        foreach (var signature in await db.Signatures.AsNoTracking().OrderBy(s => s.SignedAt).ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            Guid conversationId;
            string? content;
            if (signature.MessageId is { } messageId)
            {
                if (!conversationOf.TryGetValue(messageId, out conversationId))
                {
                    return $"signature {signature.Id}: the signed message {messageId} is missing";
                }

                content = versionCommitments.GetValueOrDefault((messageId, signature.Version));
            }
            else if (signature.AttachmentId is { } attachmentId && attachments.TryGetValue(attachmentId, out var attachment))
            {
                conversationId = attachment.ConversationId;
                content = keys.TryGetValue(conversationId, out var attachmentKey)
                    ? MessageCommitments.Attachment(attachmentKey, attachment.Id, attachment.Sha256, attachment.Size, attachment.FileName)
                    : null;
            }
            else
            {
                return $"signature {signature.Id}: the signed record is missing";
            }

            if (!keys.TryGetValue(conversationId, out var key))
            {
                // Erased content: its commitment key is gone, so the signature can no longer be recomputed.
                continue;
            }

            if (content is null || !string.Equals(content, signature.ContentCommitment, StringComparison.Ordinal))
            {
                return signature.MessageId is not null
                    ? $"signature {signature.Id}: the signed version {signature.Version} of message {signature.MessageId} no longer has the content that was signed"
                    : $"signature {signature.Id}: the signed attachment {signature.AttachmentId} no longer has the content that was signed";
            }

            var expected = MessageCommitments.Signature(key, signature.Id, signature.SignerId, signature.SignerName, signature.Meaning,
                signature.SignedAt, signature.ContentCommitment);
            if (!entries.ContainsKey(expected))
            {
                return $"signature {signature.Id}: it does not match its ledger entry (signer, printed name, meaning or time altered)";
            }

            matched++;
        }

        var erasedSignatures = await db.Signatures.AsNoTracking().CountAsync(cancellationToken).ConfigureAwait(false) - matched;
        return entries.Count > matched + erasedSignatures
            ? $"{entries.Count - matched - erasedSignatures} signature(s) recorded in the ledger are missing from the tables"
            : null;
    }
}
