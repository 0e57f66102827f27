using Microsoft.EntityFrameworkCore;
using Vigil.Server.Messaging;

namespace Vigil.Server.Search;

/// <summary>
/// A bounded part of an indexing pass, applied by the group-commit writer inside one of its batches: moves the
/// search cursor from <paramref name="from"/> to <paramref name="to"/> and replaces the index rows of the messages
/// changed in that range (<see cref="ISearchPostings.ReplaceAsync"/>). Its result is false when another node claimed
/// the range first (nothing is written then).
/// </summary>
internal sealed class IndexChunkCommand(long? from, long to, IReadOnlyList<Guid> changed, List<SearchTerm> rows) : WriteCommand<bool>
{
    public override bool IsBackground => true;

    protected override async Task<bool> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var db = batch.Db;
        // Claim the range first: a second node doing the same pass updates nothing and leaves it. An empty cursor is
        // created here; two nodes creating it at once collide on its key and the loser's pass is retried. The update is
        // SQL because an ExecuteUpdate cannot be compiled: EF extracted its parameters and looked up its translation on
        // every chunk, 2.2% of the writer's process at 1,000 msg/s against 0.5% as SQL
        // (bench/results/writer-fixed-costs-2026-11-28.md).
        if (from is null)
        {
            db.SearchCursors.Add(new SearchCursor { LedgerSequence = to });
        }
        else if (await db.Database.ExecuteSqlAsync(
                     $"UPDATE \"SearchCursors\" SET \"LedgerSequence\" = {to} WHERE \"Id\" = {SearchCursor.SingletonId} AND \"LedgerSequence\" = {from}",
                     cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        await SearchPostings.For(db).ReplaceAsync(db, changed, rows, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
