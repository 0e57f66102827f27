using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Ledger;
using Vigil.Server.Data;
using Vigil.Server.Messaging;

namespace Vigil.Server.Ledger;

/// <summary>Signs a checkpoint when enough entries or enough time has accumulated since the last one.</summary>
public sealed partial class LedgerCheckpointService(
    IServiceScopeFactory scopes,
    LedgerTree tree,
    LedgerSigningKey signingKey,
    MessageWriter writer,
    TimeProvider time,
    IOptions<LedgerOptions> options,
    ILogger<LedgerCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await CheckpointAsync(force: false, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    LogCheckpointFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Signs the current tree if it grew (and, unless forced, if the thresholds are met). Returns the newest checkpoint.</summary>
    public async Task<LedgerCheckpointRecord?> CheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var last = await db.LedgerCheckpoints.AsNoTracking().OrderByDescending(c => c.TreeSize)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var (size, root) = await tree.ReadAsync(db, t => (t.Size, t.Root(t.Size)), cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var grown = size - (last?.TreeSize ?? 0);
        var due = force || grown >= options.Value.CheckpointEveryEntries || now - (last?.IssuedAt ?? DateTimeOffset.MinValue) >= options.Value.CheckpointInterval;
        if (size == 0 || grown <= 0 || !due)
        {
            return last;
        }

        var checkpoint = new LedgerCheckpoint(size, root, now);
        var record = new LedgerCheckpointRecord
        {
            TreeSize = size,
            RootHash = Convert.ToBase64String(root),
            IssuedAt = now,
            Signature = Convert.ToBase64String(checkpoint.Sign(signingKey.Key)),
        };
        var blocks = await tree.UnstoredAsync(cancellationToken).ConfigureAwait(false);
        var stored = await writer.SubmitAsync(new RecordCheckpointCommand(record, tree.BlockHeight, blocks), cancellationToken).ConfigureAwait(false);
        if (blocks.Count > 0)
        {
            await tree.StoredAsync(blocks[^1].Index + 1, cancellationToken).ConfigureAwait(false);
        }

        LogSigned(size);
        return stored;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger checkpoint signed at tree size {Size}")]
    private partial void LogSigned(long size);

    [LoggerMessage(Level = LogLevel.Error, Message = "Signing a ledger checkpoint failed; retrying next tick")]
    private partial void LogCheckpointFailed(Exception exception);
}
