using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;

namespace Vigil.Server.Search;

/// <summary>
/// Keeps the search index behind the send path instead of in it: it follows the ledger, whose sequence is commit
/// order on every database, and for each message created, edited or deleted replaces the message's index rows with
/// those of its current text (none once deleted or erased). Random inserts into a term-ordered index cost the writer
/// three quarters of its throughput at a million messages when done in the send transaction (README,
/// "Performance"); here the sender does not wait for them, and the index trails the commits by a pass (a fifth of a
/// second or more). Everything is read, decrypted and hashed here, outside any transaction; the rows are then handed
/// to the group-commit writer in chunks of at most <see cref="RowsPerChunk"/>, each applied inside one of its
/// batches together with the cursor's move (<see cref="IndexChunkCommand"/>). So the index needs no write
/// transaction of its own: on SQLite a second writer held the one write lock for a whole pass while sends waited,
/// which was the round trip's p99. The cursor moves first in the chunk's transaction, so two nodes never index the
/// same changes twice; an empty cursor indexes everything already stored, so an existing database is indexed on
/// upgrade and a dropped index rebuilds.
/// </summary>
public sealed partial class SearchIndexer(
    IServiceScopeFactory scopes, DataKeyStore dataKeys, SearchIndexSignal signal, MessageWriter writer, ILogger<SearchIndexer> logger)
    : BackgroundService
{
    /// <summary>Ledger entries read per pass.</summary>
    public const int EntriesPerPass = 1000;

    /// <summary>
    /// Index rows the writer applies in one batch at most while it is otherwise idle (catching up, rebuilding): a
    /// chunk ends at an entry boundary, so one long message may exceed it alone.
    /// </summary>
    public const int RowsPerChunk = 1000;

    /// <summary>
    /// The same while users write (<see cref="Quiet"/>). Every send that arrives while a batch with a chunk commits
    /// waits for it: with the writer alone at 1,000 msg/s, chunks of 1,000 rows made the batch p99 33–36 ms and the
    /// ack p99 62–68 ms, chunks of 100 rows 15 ms and 22–28 ms, at the same CPU per message.
    /// </summary>
    public const int RowsPerChunkUnderLoad = 100;

    /// <summary>
    /// How long after the last commit of a user's command the index still counts as sharing the writer. Not just
    /// while batches carry several commands: on PostgreSQL a chunk of 1,000 rows holds the writer 100–150 ms, and
    /// with the index catching up after a burst, a channel's sends one every 200 ms (batches of one) waited behind
    /// such chunks (fan-out to 1,000 members: p99 105 ms after ingest, every slow message's ack late).
    /// </summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private const int BackOff = 3;

    // Messages decrypted and hashed between two turns given back to the thread pool.
    private const int YieldEvery = 16;

    // Another node's commits are only seen by looking.
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    // After a commit, wait this long before the pass: under a stream of small commits one pass then covers many of
    // them instead of one each.
    private static readonly TimeSpan Gather = TimeSpan.FromMilliseconds(200);

    /// <summary>Called after a commit that changed messages: index now instead of at the next poll.</summary>
    public void Notify() => signal.Notify();

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
                await signal.WaitAsync(Poll, stoppingToken).ConfigureAwait(false);
                await Task.Delay(Gather, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>Whether users are writing, given how long ago the writer last committed one of their commands.</summary>
    public static bool UsersWriting(TimeSpan sinceForegroundCommit) => sinceForegroundCommit < Quiet;

    /// <summary>How many index rows the next chunk may hold.</summary>
    public static int ChunkRows(bool usersWriting) => usersWriting ? RowsPerChunkUnderLoad : RowsPerChunk;

    /// <summary>
    /// One pass; true when it read a full page and there may be more. A change committed while the pass runs has a
    /// later ledger entry and is indexed again by the next pass.
    /// </summary>
    public async Task<bool> IndexNextAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var cursor = await db.SearchCursors.AsNoTracking().SingleOrDefaultAsync(c => c.Id == SearchCursor.SingletonId, cancellationToken).ConfigureAwait(false);
        long? from = cursor?.LedgerSequence;
        var after = from ?? 0;
        var entries = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence > after)
            .OrderBy(e => e.Sequence).Take(EntriesPerPass)
            .Select(e => new { e.Sequence, e.Action, e.Target }).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0)
        {
            return false;
        }

        var changedBy = entries.ToDictionary(e => e.Sequence, e => e.Action is LedgerActions.MessageCreated or LedgerActions.MessageEdited or LedgerActions.MessageDeleted
            ? MessageOf(e.Target)
            : null);
        var rows = await RowsAsync(db, [.. changedBy.Values.OfType<Guid>().Distinct()], cancellationToken).ConfigureAwait(false);

        var changed = new HashSet<Guid>();
        var count = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            if (changedBy[entries[i].Sequence] is { } message && changed.Add(message))
            {
                count += rows.TryGetValue(message, out var own) ? own.Count : 0;
            }

            if (count >= ChunkRows(UsersWriting(writer.SinceForegroundCommit)) || i == entries.Count - 1)
            {
                var to = entries[i].Sequence;
                var chunk = changed.SelectMany(m => rows.TryGetValue(m, out var own) ? own : []).ToList();
                var started = Stopwatch.GetTimestamp();
                if (!await writer.SubmitAsync(new IndexChunkCommand(from, to, [.. changed], chunk), cancellationToken).ConfigureAwait(false))
                {
                    return false;
                }

                // Sends first: while users write, the index takes at most about a quarter of the writer's time (a
                // batch that carried a chunk is followed by three times as long without one) and catches up once they
                // stop; when its chunks are all the writer commits it goes on at once. (The writer's queue is no
                // signal: under load it is empty the moment a batch commits, its senders waiting for that commit.)
                if (UsersWriting(writer.SinceForegroundCommit))
                {
                    await Task.Delay(Stopwatch.GetElapsedTime(started) * BackOff, cancellationToken).ConfigureAwait(false);
                }

                from = to;
                changed.Clear();
                count = 0;
            }
        }

        return entries.Count == EntriesPerPass;
    }

    /// <summary>The index rows of each message's current text: none for a deleted or erased one.</summary>
    private async Task<Dictionary<Guid, List<SearchTerm>>> RowsAsync(VigilDbContext db, List<Guid> messageIds, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<Guid, List<SearchTerm>>();
        if (messageIds.Count == 0)
        {
            return rows;
        }

        var messages = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id) && m.DeletedAt == null)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var conversationIds = messages.Select(m => m.ConversationId).Distinct().ToList();
        var conversations = await db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < messages.Count; i++)
        {
            if (i % YieldEvery == YieldEvery - 1)
            {
                // A pass of 1,000 messages decrypts and hashes for tens of milliseconds; on a one-core server that
                // burst would hold back every ack queued behind it.
                await Task.Yield();
            }

            var message = messages[i];
            var subject = DataKeyStore.SubjectOf(conversations[message.ConversationId]);
            if (await dataKeys.GetAsync(db, subject, cancellationToken).ConfigureAwait(false) is { } key)
            {
                rows[message.Id] = [.. SearchIndex.Rows(key, message.ConversationId, message.Id, ContentCipher.Decrypt(key, message.Id, message.Body))];
            }
        }

        return rows;
    }

    /// <summary>"message/{id}/v{n}" → id.</summary>
    private static Guid? MessageOf(string target)
    {
        var parts = target.Split('/');
        return parts.Length >= 2 && parts[0] == "message" && Guid.TryParse(parts[1], out var id) ? id : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A search indexing pass failed ({Reason}); the next pass retries")]
    private partial void LogPassFailed(string reason);
}
