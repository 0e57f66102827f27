using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Data;

namespace Vigil.Server.Tests.Data;

/// <summary>
/// Every SQLite connection the server makes carries the settings its guarantees rest on. SQLite keeps these per
/// connection, so a pooled connection without them would silently weaken durability or make writers sleep.
/// </summary>
public sealed class SqliteConnectionPragmasTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("vigil-pragmas-");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    [Fact]
    public async Task Server_connections_fsync_on_commit_enforce_foreign_keys_and_wait_for_the_write_lock_in_sqlite()
    {
        await using var provider = Provider();

        // Twice: the second context gets the pooled connection back, which must still carry them.
        for (var lease = 0; lease < 2; lease++)
        {
            await using var scope = provider.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await db.Database.OpenConnectionAsync();
            var connection = db.Database.GetDbConnection();

            Assert.Equal(2L, await ScalarAsync(connection, "PRAGMA synchronous")); // FULL
            Assert.Equal(1L, await ScalarAsync(connection, "PRAGMA foreign_keys"));
            // The connection's 30-s command timeout, spent in SQLite's busy handler instead of the provider's 150-ms sleeps.
            Assert.Equal(30_000L, await ScalarAsync(connection, "PRAGMA busy_timeout"));
        }
    }

    [Fact]
    public async Task A_background_writer_backs_off_from_the_write_lock_for_one_open_only()
    {
        await using var provider = Provider();
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await db.Database.OpenConnectionAsync();
            await SqliteConnectionPragmas.YieldToWritersAsync(db.Database, CancellationToken.None);

            Assert.Equal(0L, await ScalarAsync(db.Database.GetDbConnection(), "PRAGMA busy_timeout"));
            await db.Database.CloseConnectionAsync();
        }

        // The same pooled connection, opened by the next context (the writer, say), queues for the lock again.
        await using (var scope = provider.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            await db.Database.OpenConnectionAsync();

            Assert.Equal(30_000L, await ScalarAsync(db.Database.GetDbConnection(), "PRAGMA busy_timeout"));
        }
    }

    private ServiceProvider Provider()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Vigil:DataDirectory"] = _folder.FullName, ["Vigil:Database"] = "sqlite" })
            .Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging()
            .AddVigilPersistence(configuration).BuildServiceProvider();
    }

    private static async Task<long> ScalarAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
