using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Vigil.Server.Data;

/// <summary>
/// The contexts the group-commit writer works in. On SQLite every batch runs on one connection, open for the writer's
/// life: SQLite drops a connection's whole page cache when the database changed since that connection last read it,
/// so a batch on whichever pooled connection came next (one a reader had just used) found the index pages the batch
/// before had written gone, and read them back from the files. On PostgreSQL a pooled context per batch.
/// </summary>
public sealed class WriterContexts(IServiceProvider services) : IAsyncDisposable
{
    private readonly SemaphoreSlim _opening = new(1, 1);
    private SqliteConnection? _connection;
    private DbContextOptions<VigilDbContext>? _dedicated;
    private bool _pooled;

    /// <summary>A context for one batch; disposing the lease returns it (the SQLite connection stays open).</summary>
    public async Task<Lease> LeaseAsync(CancellationToken cancellationToken)
    {
        if (_dedicated is null && !_pooled)
        {
            await OpenAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_dedicated is null)
        {
            var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            return new Lease(scope.ServiceProvider.GetRequiredService<VigilDbContext>(), scope);
        }

        return new Lease(new VigilDbContext(_dedicated), null);
    }

    private async Task OpenAsync(CancellationToken cancellationToken)
    {
        await _opening.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_dedicated is not null || _pooled)
            {
                return;
            }

            await using var scope = services.GetRequiredService<IServiceScopeFactory>().CreateAsyncScope();
            var pooled = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            if (!pooled.Database.IsSqlite())
            {
                _pooled = true;
                return;
            }

            var connection = new SqliteConnection(pooled.Database.GetConnectionString());
            // Opened here, so EF never closes it between batches (it closes only what it opened itself); the
            // settings every connection gets on opening are applied here for the same reason.
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await SqliteConnectionPragmas.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            _connection = connection;
            _dedicated = new DbContextOptionsBuilder<VigilDbContext>(services.GetRequiredService<DbContextOptions<VigilDbContext>>())
                .UseSqlite(connection).Options;
        }
        finally
        {
            _opening.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _opening.Dispose();
    }

    public sealed class Lease(VigilDbContext db, AsyncServiceScope? scope) : IAsyncDisposable
    {
        public VigilDbContext Db => db;

        public async ValueTask DisposeAsync()
        {
            if (scope is { } owned)
            {
                await owned.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                await db.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
