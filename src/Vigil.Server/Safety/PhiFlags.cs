using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Safety;

/// <summary>Compliance officers' view of PHI that reached conversations not cleared for it, and their reviews.</summary>
public sealed class PhiFlags(VigilDbContext db, DataKeyStore dataKeys, LedgerAppender ledger, TimeProvider time)
{
    public async Task<IReadOnlyList<PhiFlagDto>> ListAsync(bool unreviewedOnly, CancellationToken cancellationToken)
    {
        var flags = await db.PhiFlags.AsNoTracking().Where(f => !unreviewedOnly || f.ReviewedAt == null).OrderByDescending(f => f.FlaggedAt)
            .Take(500).ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<PhiFlagDto>(flags.Count);
        foreach (var flag in flags)
        {
            result.Add(await ToDtoAsync(flag, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    public async Task<PhiFlagDto> ReviewAsync(Guid id, Guid officerId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var flag = await db.PhiFlags.SingleOrDefaultAsync(f => f.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The PHI flag");
        if (flag.ReviewedAt is null)
        {
            flag.ReviewedAt = now;
            flag.ReviewedBy = officerId;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await ledger.AppendAsync(db, [new LedgerEvent(officerId, LedgerActions.PhiFlagReviewed, LedgerActions.MessageTarget(flag.MessageId, flag.MessageVersion))],
                now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ToDtoAsync(flag, cancellationToken).ConfigureAwait(false);
    }

    internal async Task<PhiFlagDto> ToDtoAsync(PhiFlag flag, CancellationToken cancellationToken)
    {
        var conversation = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == flag.ConversationId, cancellationToken).ConfigureAwait(false);
        var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false);
        string? text = null;
        IReadOnlyList<PhiSpanDto> findings = [];
        if (key is not null)
        {
            findings = JsonSerializer.Deserialize<List<PhiSpanDto>>(ContentCipher.Decrypt(key, flag.Id, flag.Findings)) ?? [];
            text = await MessageVersionText.LoadAsync(db, key, flag.MessageId, flag.MessageVersion, cancellationToken).ConfigureAwait(false);
        }

        return new PhiFlagDto(flag.Id, flag.MessageId, flag.MessageVersion, flag.ConversationId, flag.SenderId, flag.Types.Split(','),
            flag.SenderAcknowledged, flag.FlaggedAt, text, findings, flag.ReviewedBy, flag.ReviewedAt);
    }
}
