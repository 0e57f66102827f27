using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Server.Data;
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
    private static readonly ConcurrentDictionary<IModel, string> ClaimStatements = new(ReferenceEqualityComparer.Instance);

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
        else if (await db.Database.ExecuteSqlRawAsync(ClaimSql(db), [to, SearchCursor.SingletonId, from.Value], cancellationToken)
                     .ConfigureAwait(false) != 1)
        {
            return false;
        }

        await SearchPostings.For(db).ReplaceAsync(db, changed, rows, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The claim as SQL, written once per model from its mapping (names and quoting as EF writes them). Not an
    /// ExecuteUpdate: that cannot be compiled, and EF extracted its parameters and looked up its translation on every
    /// chunk, 2.2% of the writer's process at 1,000 msg/s against 0.5% as SQL (bench/results/writer-fixed-costs-2026-11-28.md).
    /// </summary>
    private static string ClaimSql(VigilDbContext db) => ClaimStatements.GetOrAdd(db.Model, static (model, sql) =>
    {
        var cursor = model.FindEntityType(typeof(SearchCursor))!;
        var table = StoreObjectIdentifier.Table(cursor.GetTableName()!, cursor.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(cursor.FindProperty(property)!.GetColumnName(table)!);
        var sequence = Column(nameof(SearchCursor.LedgerSequence));
        return $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {sequence} = {{0}} WHERE {Column(nameof(SearchCursor.Id))} = {{1}} AND {sequence} = {{2}}";
    }, db.GetService<ISqlGenerationHelper>());
}
