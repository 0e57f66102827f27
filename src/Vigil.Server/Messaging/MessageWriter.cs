using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;

namespace Vigil.Server.Messaging;

/// <summary>
/// The node's single writer. Concurrent sends, edits, deletions and read markers queue here and are applied in
/// batches, one transaction each (group commit): one fsync covers many messages, so durability costs little
/// throughput, and sequence numbers are assigned by one thread, so they are gapless. A command's caller hears back
/// only after its batch has committed; events are published after that, in commit order.
/// </summary>
public sealed partial class MessageWriter : BackgroundService
{
    private readonly Channel<WriteCommand> _queue;
    private readonly WriterContexts _contexts;
    private readonly TimeProvider _time;
    private readonly IIdGenerator _ids;
    private readonly IChatEventSink _events;
    private readonly IOptions<MessagingOptions> _options;
    private readonly ILogger<MessageWriter> _logger;
    private readonly WriterMetrics _metrics;
    private readonly LedgerAppender _ledger;
    private readonly CommitmentKeyStore _keys;
    private readonly DataKeyStore _dataKeys;
    private readonly Webhooks.WebhookRegistry _webhooks;
    private readonly Search.SearchIndexSignal _search;

    public MessageWriter(
        WriterContexts contexts,
        TimeProvider time,
        IIdGenerator ids,
        IChatEventSink events,
        IOptions<MessagingOptions> options,
        WriterMetrics metrics,
        LedgerAppender ledger,
        CommitmentKeyStore keys,
        DataKeyStore dataKeys,
        Webhooks.WebhookRegistry webhooks,
        Search.SearchIndexSignal search,
        ILogger<MessageWriter> logger)
    {
        _webhooks = webhooks;
        _search = search;
        _metrics = metrics;
        _ledger = ledger;
        _keys = keys;
        _dataKeys = dataKeys;
        _contexts = contexts;
        _time = time;
        _ids = ids;
        _events = events;
        _options = options;
        _logger = logger;
        // Bounded, so a flood waits for the disk instead of filling memory.
        _queue = Channel.CreateBounded<WriteCommand>(new BoundedChannelOptions(100_000)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    // The time provider's timestamp of the last commit that carried a user's command; 0 before the first.
    private long _lastForegroundCommit;

    /// <summary>
    /// How long ago a batch carrying a command other than background work committed (<see cref="TimeSpan.MaxValue"/>
    /// before the first): background work that shares the writer (the search index) gives way while users write.
    /// </summary>
    public TimeSpan SinceForegroundCommit
    {
        get
        {
            var last = Volatile.Read(ref _lastForegroundCommit);
            return last == 0 ? TimeSpan.MaxValue : _time.GetElapsedTime(last);
        }
    }

    internal async Task<TResult> SubmitAsync<TResult>(WriteCommand<TResult> command, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(command, cancellationToken).ConfigureAwait(false);
        // Once queued, the command will be committed or refused whatever the caller does; a caller that gives up
        // can retry with the same client message id and get the stored result.
        return await command.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<WriteCommand>(_options.Value.MaxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < _options.Value.MaxBatchSize && _queue.Reader.TryRead(out var command))
                {
                    batch.Add(command);
                }

                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: commit what is already queued, so nothing a client was promised is dropped.
            _queue.Writer.TryComplete();
            batch.Clear();
            while (_queue.Reader.TryRead(out var command))
            {
                batch.Add(command);
            }

            if (batch.Count > 0)
            {
                await CommitAsync(batch).ConfigureAwait(false);
            }
        }
    }

    private async Task CommitAsync(List<WriteCommand> batch)
    {
        try
        {
            await RunAsync(batch, optimistic: batch.Count > 1).ConfigureAwait(false);
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            // A retried send (unique index) or one bad command must not sink its neighbours: replay each alone.
            LogBatchReplayed(exception.GetType().Name, batch.Count);
            foreach (var command in batch)
            {
                try
                {
                    await RunAsync([command], optimistic: false).ConfigureAwait(false);
                }
                catch (Exception single)
                {
                    LogCommandFailed(single, command.GetType().Name);
                    command.Failed(single);
                }
            }
        }
        catch (Exception exception)
        {
            LogCommandFailed(exception, batch[0].GetType().Name);
            batch[0].Failed(exception);
        }
    }

    private async Task RunAsync(List<WriteCommand> commands, bool optimistic)
    {
        try
        {
            await ApplyAsync(commands, optimistic).ConfigureAwait(false);
        }
        catch
        {
            // After the transaction and the lease are disposed: whether the connection survived is known only then.
            await _contexts.RecoverAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task ApplyAsync(List<WriteCommand> commands, bool optimistic)
    {
        // Not the stopping token: a batch that has started is finished, so shutdown never half-applies it.
        var cancellationToken = CancellationToken.None;
        await using var lease = await _contexts.LeaseAsync(cancellationToken).ConfigureAwait(false);
        var db = lease.Db;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // A failed batch is rolled back whole and replayed command by command, so EF's savepoint around SaveChanges
        // would only add two round trips per batch.
        db.Database.AutoSavepointsEnabled = false;
        var batch = new WriteBatch(db, _time, _ids, _keys, _dataKeys, optimistic, _webhooks);
        var started = Stopwatch.GetTimestamp();
        await batch.PrefetchSendsAsync([.. commands.OfType<SendMessageCommand>()], cancellationToken).ConfigureAwait(false);
        foreach (var command in commands)
        {
            await command.StageAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        await DirectInsert.InsertAsync(db, batch.NewMessages, cancellationToken).ConfigureAwait(false);
        await _ledger.AppendAsync(db, batch.LedgerEvents, batch.Now, cancellationToken).ConfigureAwait(false);
        await DirectUpdate.SetAsync(db, batch.SequencesMoved, nameof(Conversations.Conversation.LastSequence), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var committing = Stopwatch.GetTimestamp();
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        _metrics.Committed(commands.Count, Stopwatch.GetElapsedTime(started), Stopwatch.GetElapsedTime(committing));
        if (commands.Exists(c => !c.IsBackground))
        {
            Volatile.Write(ref _lastForegroundCommit, _time.GetTimestamp());
        }

        foreach (var command in commands)
        {
            command.Committed();
        }

        if (batch.Events.Count > 0)
        {
            _events.Publish(batch.Events);
            _search.Notify();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Group commit of {Count} commands rolled back ({Reason}); replaying them one by one")]
    private partial void LogBatchReplayed(string reason, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Write command {Command} failed")]
    private partial void LogCommandFailed(Exception exception, string command);
}
