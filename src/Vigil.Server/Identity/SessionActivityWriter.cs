using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Vigil.Server.Data;

namespace Vigil.Server.Identity;

/// <summary>
/// Writes sessions' last activity to the database in one transaction a second, behind the requests that caused it.
/// Stamping inline cost the request that happened to carry it a write transaction of its own (on SQLite a turn of
/// the one write lock and an fsync): with 2,000 connected clients that was one hub call in fifteen, and those calls
/// made the round trip's p99 (README, "Performance"). The stamp only feeds the idle check of other nodes and of
/// this node after a restart, both of which read it at most every few seconds, so a second's delay changes nothing;
/// a stamp lost in a crash makes a session look idle a little sooner, never later.
/// </summary>
public sealed partial class SessionActivityWriter(IServiceScopeFactory scopes, ILogger<SessionActivityWriter> logger) : BackgroundService
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(1);

    // Flushes yield the SQLite write lock to the message writer; after this many refusals in a row one waits for it,
    // so a writer that never pauses cannot keep stamps out for good.
    private const int YieldAttempts = 3;

    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _pending = new();
    private int _refusals;
    private Lazy<Task>? _finalFlush;

    /// <summary>Queues a session's activity; of several stamps for one session the latest is kept.</summary>
    public void Record(Guid sessionId, DateTimeOffset at) =>
        _pending.AddOrUpdate(sessionId, at, (_, queued) => queued > at ? queued : at);

    /// <summary>Writes what is queued now; a stamp that fails to be written stays queued for the next flush.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_pending.IsEmpty)
        {
            return;
        }

        // Flushes may overlap (the timer's and a caller's): each stamp is taken out by exactly one of them, and the
        // update never moves a session backwards, so neither needs to wait for the other.
        var batch = new List<KeyValuePair<Guid, DateTimeOffset>>(_pending.Count);
        foreach (var stamp in _pending)
        {
            // Removed only if unchanged since it was read: a newer stamp recorded meanwhile stays queued.
            if (_pending.TryRemove(stamp))
            {
                batch.Add(stamp);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await WriteAsync(batch, yieldToWriters: Volatile.Read(ref _refusals) < YieldAttempts, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _refusals, 0);
        }
        catch
        {
            Interlocked.Increment(ref _refusals);
            foreach (var (sessionId, at) in batch)
            {
                Record(sessionId, at);
            }

            throw;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await FlushAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFlushFailed(e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync writes what is left.
        }
    }

    /// <summary>
    /// Writes what is left, once. The host may stop twice at once (under WebApplicationFactory its own stop and the
    /// app's, dotnet/aspnetcore#40271): both calls wait for the one final flush, so neither returns, letting the host
    /// dispose the services the flush is still using, before the stamps are written.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var mine = new Lazy<Task>(() =>
        {
            Volatile.Write(ref _refusals, YieldAttempts);
            return FlushAsync(cancellationToken);
        });
        await (Interlocked.CompareExchange(ref _finalFlush, mine, null) ?? mine).Value.ConfigureAwait(false);
    }

    private async Task WriteAsync(List<KeyValuePair<Guid, DateTimeOffset>> batch, bool yieldToWriters, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (yieldToWriters)
            {
                await SqliteConnectionPragmas.YieldToWritersAsync(db.Database, cancellationToken).ConfigureAwait(false);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await DirectStatement.ExecuteAsync(db, [.. batch.Select(Stamp)], "last activity", StampPlan, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await db.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    // Only the key and the stamp are read from it (never tracked, never saved).
    private static UserSession Stamp(KeyValuePair<Guid, DateTimeOffset> stamp) =>
        new() { Id = stamp.Key, LastActivityAt = stamp.Value, AccessTokenHash = "", RefreshTokenHash = "" };

    /// <summary>
    /// One statement prepared once a flush and run per session, not an EF <c>ExecuteUpdate</c> each (~100 µs of EF's
    /// query pipeline apiece). Sessions that signed in together come due together every 30 s: in the round-trip
    /// benchmark (2,000 clients) flushes came in waves of up to 20 ms of the server's core a second, each holding
    /// SQLite's one write lock, and every send behind it, for as long.
    /// </summary>
    private static DirectStatement.Plan StampPlan(IEntityType entityType, ISqlGenerationHelper sql, DbCommand factory)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        IProperty[] properties = [entityType.FindProperty(nameof(UserSession.LastActivityAt))!, entityType.FindProperty(nameof(UserSession.Id))!];
        var columns = properties.Select((p, i) => DirectStatement.Column.Of(p, i, sql, factory)).ToArray();
        string Name(int i) => sql.DelimitIdentifier(properties[i].GetColumnName(table)!);
        // Never backwards: another node may have written a later stamp for the same session.
        return new DirectStatement.Plan(
            $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {Name(0)} = {columns[0].ParameterName} "
            + $"WHERE {Name(1)} = {columns[1].ParameterName} AND {Name(0)} < {columns[0].ParameterName}",
            columns);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing session activity failed ({Reason}); the next flush retries")]
    private partial void LogFlushFailed(string reason);
}
