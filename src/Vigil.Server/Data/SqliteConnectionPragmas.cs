using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Vigil.Server.Data;

/// <summary>
/// Settings every SQLite connection needs, applied when it opens (WAL mode itself is persistent in the file and set
/// once by the migrator):
/// <list type="bullet">
/// <item><c>synchronous=FULL</c>: an acknowledged write survives power loss, not only a crash.</item>
/// <item><c>foreign_keys=ON</c>: SQLite leaves them off unless asked, per connection.</item>
/// <item><c>busy_timeout</c>: a connection that finds the write lock taken waits in SQLite's busy handler, which
/// retries within milliseconds. Without it Microsoft.Data.Sqlite retries by sleeping 150 ms, so any overlap of two
/// writers (the group-commit writer, the search indexer, a session's activity stamp) cost a send 150 ms or more:
/// measured, a lock held 20 ms kept the next writer waiting 151 ms without it and 34 ms with it.</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionPragmas : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection);
        command.ExecuteNonQuery();
    }

    public override Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>For a connection opened outside EF (the group-commit writer's own).</summary>
    public static async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas(connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// For background writers (sessions' activity stamps) on an open connection, before their transaction: on SQLite
    /// the connection then does not queue for a taken write lock in the busy handler but backs off and retries
    /// (Microsoft.Data.Sqlite sleeps 150 ms between tries), so while the group-commit writer keeps committing it
    /// keeps the lock, and the background work fits in between. Measured under full ingest when the search indexer
    /// still wrote for itself: with both queueing, it took a turn after every commit and acks fell by a third or more.
    /// The next open sets the timeout again.
    /// Nothing on other databases.
    /// </summary>
    public static async Task YieldToWritersAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsSqlite())
        {
            await database.ExecuteSqlRawAsync("PRAGMA busy_timeout=0;", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The busy timeout is the connection's own command timeout ("Default Timeout": 30 s as Vigil configures it).</summary>
    private static string Pragmas(DbConnection connection)
    {
        // Registered for SQLite only (PersistenceServiceCollectionExtensions), so every connection here is one.
        var seconds = ((SqliteConnection)connection).DefaultTimeout;
        // Zero means no timeout to the provider; to SQLite it would mean no waiting at all.
        var milliseconds = seconds > 0 ? Math.Min((long)seconds * 1000, int.MaxValue) : int.MaxValue;
        return string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout={milliseconds};");
    }
}
