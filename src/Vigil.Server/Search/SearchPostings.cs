using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Server.Data;

namespace Vigil.Server.Search;

/// <summary>
/// Where the search index's postings (a keyed word hash and the message holding it) are kept, per database: on
/// SQLite an FTS5 table (<see cref="Fts5SearchPostings"/>), on PostgreSQL a GIN-indexed array per message
/// (<see cref="GinSearchPostings"/>). Every method runs on the context's connection, and inside its current
/// transaction when there is one: the indexer's chunks apply inside the group-commit writer's batch, together with
/// the move of the search cursor.
/// </summary>
public interface ISearchPostings
{
    /// <summary>Replaces the postings of <paramref name="changed"/> messages with <paramref name="rows"/> (those of
    /// their current text; none for a deleted or erased message).</summary>
    Task ReplaceAsync(VigilDbContext db, IReadOnlyCollection<Guid> changed, IReadOnlyList<SearchTerm> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="limit"/> messages, newest first, in <paramref name="readable"/> conversations, holding for
    /// each word one of its hashes (a word has one hash per conversation key the caller holds).
    /// </summary>
    Task<List<Guid>> CandidatesAsync(VigilDbContext db, IReadOnlyList<Guid> readable, IReadOnlyList<IReadOnlyList<long>> termsByWord, int limit,
        CancellationToken cancellationToken);

    /// <summary>Removes every posting of the messages of these conversations (erasure).</summary>
    Task RemoveConversationsAsync(VigilDbContext db, IReadOnlyCollection<Guid> conversationIds, CancellationToken cancellationToken);

    /// <summary>Whether any posting of this message is stored.</summary>
    Task<bool> HoldsAsync(VigilDbContext db, Guid messageId, CancellationToken cancellationToken);

    /// <summary>Every stored term with the number of messages holding it: what the index holds, for diagnostics.</summary>
    Task<Dictionary<long, int>> TermCountsAsync(VigilDbContext db, CancellationToken cancellationToken);

    /// <summary>Empties the index (it rebuilds from the ledger once the search cursor is removed too); returns how many
    /// messages' postings were removed.</summary>
    Task<int> ClearAsync(VigilDbContext db, CancellationToken cancellationToken);
}

/// <summary>Picks the postings store of the context's database.</summary>
public static class SearchPostings
{
    private static readonly ISearchPostings Fts5 = new Fts5SearchPostings();
    private static readonly ISearchPostings Gin = new GinSearchPostings();

    // What IsSqlite() compares with, read once: it asks the provider's assembly for its name on every call (0.2-0.3%
    // of the writer's process at 1,000 msg/s, every index chunk asking).
    private static readonly string SqliteProvider = typeof(SqliteDbContextOptionsBuilder).Assembly.GetName().Name!;

    public static ISearchPostings For(VigilDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Database.ProviderName == SqliteProvider ? Fts5 : Gin;
    }

    /// <summary>Runs on the context's connection (opened for the call when it was closed) and in its current
    /// transaction, if any: the stores' SQL is their own, but it joins the caller's unit of work.</summary>
    internal static async Task<T> OnConnectionAsync<T>(VigilDbContext db, Func<DbConnection, DbTransaction?, Task<T>> action, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action(db.Database.GetDbConnection(), db.Database.CurrentTransaction?.GetDbTransaction()).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }
}
