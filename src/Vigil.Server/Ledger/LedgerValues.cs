using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using static Vigil.Server.Ledger.LedgerEndpoints;

namespace Vigil.Server.Ledger;

/// <summary>
/// Part 11 §11.10(e) for the audit trail itself: beside each message entry, the value before and after the change,
/// decrypted for the compliance officer reading the trail (null where the content was erased).
/// </summary>
internal static class LedgerValues
{
    public static async Task<List<LedgerEntryResponse>> AttachAsync(
        VigilDbContext db, DataKeyStore dataKeys, List<LedgerEntryResponse> rows, CancellationToken cancellationToken)
    {
        var targets = rows.Select(r => (Row: r, Target: Parse(r.Target))).ToList();
        var ids = targets.Where(t => t.Target is not null).Select(t => t.Target!.Value.Id).Distinct().ToList();
        if (ids.Count == 0)
        {
            return rows;
        }

        var messages = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken).ConfigureAwait(false);
        var versions = (await db.MessageVersions.AsNoTracking().Where(v => ids.Contains(v.MessageId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(v => (v.MessageId, v.Version), v => v.Body);
        var conversationIds = messages.Values.Select(m => m.ConversationId).Distinct().ToList();
        var conversations = await db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken).ConfigureAwait(false);

        var result = new List<LedgerEntryResponse>(rows.Count);
        foreach (var (row, target) in targets)
        {
            if (target is not { } t || !messages.TryGetValue(t.Id, out var message))
            {
                result.Add(row);
                continue;
            }

            var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversations[message.ConversationId]), cancellationToken).ConfigureAwait(false);
            string? ValueOf(int version) =>
                key is null ? null
                : version == message.Version ? ContentCipher.Decrypt(key, message.Id, message.Body)
                : versions.TryGetValue((message.Id, version), out var stored) ? ContentCipher.Decrypt(key, message.Id, stored) : null;

            result.Add(row.Action switch
            {
                LedgerActions.MessageCreated => row with { NewValue = ValueOf(t.Version) },
                LedgerActions.MessageEdited => row with { PreviousValue = ValueOf(t.Version - 1), NewValue = ValueOf(t.Version) },
                LedgerActions.MessageDeleted => row with { PreviousValue = ValueOf(t.Version) },
                _ => row,
            });
        }

        return result;
    }

    private static (Guid Id, int Version)? Parse(string target)
    {
        var parts = target.Split('/');
        return parts.Length == 3 && parts[0] == "message" && Guid.TryParse(parts[1], out var id)
               && int.TryParse(parts[2].AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (id, version)
            : null;
    }
}
