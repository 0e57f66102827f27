using System.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using SQLitePCL;

namespace Vigil.Server.Data;

/// <summary>
/// The contexts the group-commit writer works in. On SQLite every batch runs on one connection, open for the writer's
/// life: SQLite drops a connection's whole page cache when the database changed since that connection last read it,
/// so a batch on whichever pooled connection came next (one a reader had just used) found the index pages the batch
/// before had written gone, and read them back from the files. A lease of that connection is exclusive until it is
/// disposed: two batches on one SQLite connection would share its transaction. The contexts on it come from a pool of
/// one: a new context builds EF's per-context services (the update pipeline, the query translators) when it first
/// begins a transaction and saves, a cost paid per commit, which at a few messages a commit is paid every few messages.
/// On PostgreSQL a pooled context per batch from the application's pool.
/// </summary>
public sealed partial class WriterContexts(IServiceProvider services, ILogger<WriterContexts> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private readonly SemaphoreSlim _leased = new(1, 1);
    private SqliteConnection? _connection;
    private SqliteStatementCache? _statements;
    private PooledDbContextFactory<VigilDbContext>? _dedicated;
    private bool _pooled;

    /// <summary>
    /// A context for one batch; disposing the lease returns it (the SQLite connection stays open). On SQLite it waits
    /// until the lease before it has been disposed.
    /// </summary>
    public async Task<Lease> LeaseAsync(CancellationToken cancellationToken)
    {
        if (_pooled)
        {
            return Pooled();
        }

        await _leased.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var dedicated = _dedicated ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
            if (dedicated is null)
            {
                _leased.Release();
                return Pooled();
            }

            return new Lease(dedicated.CreateDbContext(), null, _leased);
        }
        catch
        {
            _leased.Release();
            throw;
        }
    }

    private Lease Pooled()
    {
        var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
        return new Lease(scope.ServiceProvider.GetRequiredService<VigilDbContext>(), scope, null);
    }

    /// <summary>
    /// After a failed batch. A pooled connection per batch would have recovered by itself; the writer's own one is
    /// checked: if it was closed, or is still inside a transaction (its rollback failed as well, as after an I/O
    /// error), every later batch would fail on it, so the next lease opens a new one. A healthy connection is kept
    /// (a retried send's unique-key failure leaves it as it was). The check waits for the lease, so it judges the
    /// connection between batches: in the middle of another batch it is inside that batch's transaction, and healthy.
    /// </summary>
    public async Task RecoverAsync()
    {
        if (_pooled)
        {
            return;
        }

        await _leased.WaitAsync().ConfigureAwait(false);
        await _opening.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_connection is null)
            {
                return;
            }

            var state = _connection.State;
            var inTransaction = state == ConnectionState.Open && raw.sqlite3_get_autocommit(_connection.Handle) == 0;
            if (state == ConnectionState.Open && !inTransaction)
            {
                return;
            }

            LogReopening(state, inTransaction);
            var broken = _connection;
            _statements?.Dispose();
            (_connection, _dedicated, _statements) = (null, null, null);
            await broken.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _opening.Release();
            _leased.Release();
        }
    }

    /// <summary>Contexts on the writer's own connection, opened if need be; null on PostgreSQL.</summary>
    private async Task<PooledDbContextFactory<VigilDbContext>?> OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dedicated is not null || _pooled)
            {
                return _dedicated;
            }

            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var pooled = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            if (!pooled.Database.IsSqlite())
            {
                _pooled = true;
                return null;
            }

            // Not pooled: it is opened once, and one replaced after a failure must really close (a pooled one would
            // go back to the pool with its transaction and come straight back to the next open).
            var connection = new SqliteConnection(
                new SqliteConnectionStringBuilder(pooled.Database.GetConnectionString()) { Pooling = false }.ToString());
            // Opened here, so EF never closes it between batches (it closes only what it opened itself); the
            // settings every connection gets on opening are applied here for the same reason.
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteConnectionPragmas.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            _connection = connection;
            // The same few statements every batch: compiled once for the connection's life.
            _statements = SqliteStatementCache.Attach(connection);
            _dedicated = new PooledDbContextFactory<VigilDbContext>(
                new DbContextOptionsBuilder<VigilDbContext>(services.GetRequiredService<DbContextOptions<VigilDbContext>>()).UseSqlite(connection).Options,
                poolSize: 1);
            return _dedicated;
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _statements?.Dispose();
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _opening.Dispose();
        _leased.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A failed batch left the group-commit writer's SQLite connection {State} (inside a transaction: {InTransaction}); the next batch opens a new one")]
    private partial void LogReopening(ConnectionState state, bool inTransaction);

    public sealed class Lease(VigilDbContext db, AsyncServiceScope? scope, SemaphoreSlim? held) : IAsyncDisposable
    {
        private SemaphoreSlim? _held = held;

        public VigilDbContext Db => db;

        public async ValueTask DisposeAsync()
        {
            if (scope is { } owned)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                try
                {
                    await db.DisposeAsync().ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Exchange(ref _held, null)?.Release();
                }
            }
        }
    }
}
