using Vigil.Server.Data;

namespace Vigil.Server.Ledger;

/// <summary>
/// Appends events inside the caller's transaction, so an event exists exactly when the change it records does.
/// Sequences continue from the highest committed one; SQLite transactions here are IMMEDIATE (the write lock is taken
/// at BEGIN), so two appenders never read the same maximum.
/// </summary>
public sealed class LedgerAppender
{
    public async Task AppendAsync(VigilDbContext db, IReadOnlyList<LedgerEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Ledger entries are appended inside the transaction of the change they record.");
        }

        // Every group commit asks: one plain statement, not EF's query pipeline (DirectMax says what that cost).
        var next = (await DirectMax.Int64Async<LedgerEntry>(db, nameof(LedgerEntry.Sequence), cancellationToken).ConfigureAwait(false) ?? -1) + 1;
        var rows = new List<LedgerEntry>(events.Count);
        foreach (var e in events)
        {
            var entry = new LedgerEntry
            {
                Sequence = next++,
                RecordedAt = now,
                ActorId = e.ActorId,
                Action = e.Action,
                Target = e.Target,
                Reason = e.Reason,
                Commitment = e.Commitment,
                LeafHash = "",
            };
            entry.LeafHash = Convert.ToHexStringLower(entry.ToData().LeafHash());
            rows.Add(entry);
        }

        await DirectInsert.InsertAsync(db, rows, cancellationToken).ConfigureAwait(false);
    }
}
