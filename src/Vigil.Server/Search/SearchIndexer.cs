using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;

namespace Vigil.Server.Search;

/// <summary>
/// Keeps the search index behind the send path instead of in it: it follows the ledger, whose sequence is commit
/// order on every database, and for each message created, edited or deleted replaces the message's index rows with
/// those of its current text (none once deleted or erased). Random inserts into a term-ordered index cost the writer
/// three quarters of its throughput at a million messages when done in the send transaction (README,
/// "Performance"); here the sender does not wait for them, and the index trails the commits by a pass (a fifth of a
/// second or more). The cursor moves in the same transaction as the rows, first, so two nodes never index the same
/// changes twice; an empty cursor indexes everything already stored, so an existing database is indexed on upgrade
/// and a dropped index rebuilds.
/// </summary>
public sealed partial class SearchIndexer(IServiceScopeFactory scopes, DataKeyStore dataKeys, ILogger<SearchIndexer> logger)
    : BackgroundService
{
    /// <summary>Ledger entries read per pass (one short write transaction).</summary>
    public const int EntriesPerPass = 1000;

    // Another node's commits are only seen by looking.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    // After a commit, wait this long before the pass: under a stream of small commits one pass then covers many of
    // them in one transaction (one fsync, one turn of the write lock the writer also needs) instead of one each.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(200);

    private readonly SemaphoreSlim _work = new(0, 1);

    /// <summary>Called after a commit that changed messages: index now instead of at the next poll.</summary>
    public void Notify()
    {
        if (_work.CurrentCount == 0)
        {
            try
            {
                _work.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await IndexNextAsync(stoppingToken).ConfigureAwait(false))
                {
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A node that lost the race for the cursor, or a passing database error: the next pass retries.
                LogPassFailed(e.GetType().Name);
            }

            try
            {
                // Wall-clock waits, not the injected clock: they only bound how late the index sees a commit.
                await _work.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
                await Task.Delay(Gather, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass; true when it read a full page and there may be more. Everything is read and hashed before the write
    /// transaction starts, so the writer waits only for the deletes and inserts (SQLite has one write lock); a change
    /// committed meanwhile has a later ledger entry and is indexed again by the next pass.
    /// </summary>
    public async Task<bool> IndexNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var cursor = await db.SearchCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Id == SearchCursor.SingletonId, cancellationToken).ConfigureAwait(false);
        var from = cursor?.LedgerSequence ?? 0;
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > from).OrderBy(e => e.Sequence).Take(EntriesPerPass)
            .Select(e => new { e.Sequence, e.Action, e.Target }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return false;
        }

        var changed = entries.Where(e => e.Action is LedgerActions.MessageCreated or LedgerActions.MessageEdited or LedgerActions.MessageDeleted)
            .Select(e => MessageOf(e.Target)).OfType<Guid>().Distinct().ToList();
        var rows = changed.Count > 0 ? await RowsAsync(db, changed, cancellationToken).ConfigureAwait(false) : [];

        // The group-commit writer comes first: this connection backs off when the write lock is taken instead of
        // queueing for it (SqliteConnectionPragmas.YieldToWritersAsync), so a pass goes in a gap between commits.
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SqliteConnectionPragmas.YieldToWritersAsync(db.Database, cancellationToken).ConfigureAwait(false);
            return await WriteAsync(db, cursor is null, from, entries[^1].Sequence, changed, rows, cancellationToken).ConfigureAwait(false)
                && entries.Count == EntriesPerPass;
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Moves the cursor from <paramref name="from"/> to <paramref name="to"/> and replaces the rows; false if
    /// another node claimed the range first.</summary>
    private static async Task<bool> WriteAsync(
        VigilDbContext db, bool first, long from, long to, List<Guid> changed, List<SearchTerm> rows, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Claim the range first: a second node doing the same pass updates nothing and leaves it.
        if (first)
        {
            db.SearchCursors.Add(new SearchCursor { LedgerSequence = to });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (await db.SearchCursors.Where(c => c.Id == SearchCursor.SingletonId && c.LedgerSequence == from)
                     .ExecuteUpdateAsync(c => c.SetProperty(x => x.LedgerSequence, to), cancellationToken).ConfigureAwait(false) != 1)
        {
            return false;
        }

        if (changed.Count > 0)
        {
            await db.SearchTerms.Where(t => changed.Contains(t.MessageId)).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            await DirectInsert.InsertAsync(db, rows, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The index rows of the messages' current text: none for a deleted or erased one.</summary>
    private async Task<List<SearchTerm>> RowsAsync(VigilDbContext db, List<Guid> messageIds, CancellationToken cancellationToken)
    {
        var messages = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id) && m.DeletedAt == null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var conversationIds = messages.Select(m => m.ConversationId).Distinct().ToList();
        var conversations = await db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken).ConfigureAwait(false);
        var rows = new List<SearchTerm>();
        foreach (var message in messages)
        {
            var subject = DataKeyStore.SubjectOf(conversations[message.ConversationId]);
            if (await dataKeys.GetAsync(db, subject, cancellationToken).ConfigureAwait(false) is { } key)
            {
                rows.AddRange(SearchIndex.Rows(key, message.ConversationId, message.Id, ContentCipher.Decrypt(key, message.Id, message.Body)));
            }
        }

        // In index order: a message's words land all over the term-ordered index, so rows inserted message by message
        // visit each leaf page many times in a pass, and a page evicted in between is read (and spilled) again.
        rows.Sort(SearchTerm.IndexOrder);
        return rows;
    }

    /// <summary>"message/{id}/v{n}" → id.</summary>
    private static Guid? MessageOf(string target)
    {
        var parts = target.Split('/');
        return parts.Length >= 2 && parts[0] == "message" && Guid.TryParse(parts[1], out var id) ? id : null;
    }

    public override void Dispose()
    {
        _work.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A search indexing pass failed ({Reason}); the next pass retries")]
    private partial void LogPassFailed(string reason);
}
