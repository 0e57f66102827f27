using Microsoft.EntityFrameworkCore;
using Vigil.Server.Messaging;

namespace Vigil.Server.Ledger;

/// <summary>
/// Stores a signed checkpoint through the single writer: a write from another connection would make the writer wait
/// on SQLite's lock, which showed up as 200 ms p99 stalls in the load test. A checkpoint already stored for the same
/// size is left as it is. The roots of the tree's blocks completed since the last checkpoint are stored with it.
/// </summary>
internal sealed class RecordCheckpointCommand(LedgerCheckpointRecord record, int blockHeight, IReadOnlyList<LedgerBlock> blocks)
    : WriteCommand<LedgerCheckpointRecord>
{
    public override bool IsBackground => true;

    protected override async Task<LedgerCheckpointRecord> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        await LedgerBlocks.StoreAsync(batch.Db, blockHeight, blocks, cancellationToken).ConfigureAwait(false);
        var existing = await batch.Db.LedgerCheckpoints.AsNoTracking()
            .SingleOrDefaultAsync(c => c.TreeSize == record.TreeSize, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            return existing;
        }

        batch.Db.LedgerCheckpoints.Add(record);
        return record;
    }
}
