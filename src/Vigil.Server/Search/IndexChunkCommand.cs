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
        // created here; two nodes creating it at once collide on its key and the loser's pass is retried.
        if (from is null)
        {
            db.SearchCursors.Add(new SearchCursor { LedgerSequence = to });
        }
        else if (await db.SearchCursors.Where(c => c.Id == SearchCursor.SingletonId && c.LedgerSequence == from)
                     .ExecuteUpdateAsync(c => c.SetProperty(x => x.LedgerSequence, to), cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        await SearchPostings.For(db).ReplaceAsync(db, changed, rows, cancellationToken).ConfigureAwait(false);
        return true;
    }
}
