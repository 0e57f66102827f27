using Microsoft.Data.Sqlite;
using SQLitePCL;
using Vigil.Server.Data;

namespace Vigil.Server.Tests.Data;

/// <summary>The writer's connection keeps its statements compiled; every other connection prepares and finalizes each time.</summary>
public sealed class SqliteStatementCacheTests : IDisposable
{
    private const string Insert = "INSERT INTO t (id, v) VALUES (?1, ?2)";

    private readonly string _directory = Directory.CreateTempSubdirectory("vigil-statements-").FullName;
    private readonly SqliteConnection _connection;

    public SqliteStatementCacheTests()
    {
        _connection = new SqliteConnection($"Data Source={Path.Combine(_directory, "t.db")};Pooling=False");
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)";
        create.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _connection.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void A_connection_with_a_cache_reuses_a_statement_until_the_cache_is_disposed()
    {
        var cache = SqliteStatementCache.Attach(_connection);
        sqlite3_stmt first;
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            first = lease.Statement;
            Assert.Equal(raw.SQLITE_DONE, InsertRow(first, 1, "one"));
        }

        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.Same(first, lease.Statement);
            Assert.Equal(raw.SQLITE_DONE, InsertRow(lease.Statement, 2, "two"));
        }

        cache.Dispose();
        Assert.True(first.IsClosed);
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.NotSame(first, lease.Statement);
        }

        Assert.Equal(2L, Count());
    }

    [Fact]
    public void A_connection_closed_and_opened_again_gets_its_statements_prepared_anew()
    {
        using var cache = SqliteStatementCache.Attach(_connection);
        sqlite3_stmt first;
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            first = lease.Statement;
            Assert.Equal(raw.SQLITE_DONE, InsertRow(first, 1, "one"));
        }

        _connection.Close();
        _connection.Open();
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.True(first.IsClosed);
            Assert.Equal(raw.SQLITE_DONE, InsertRow(lease.Statement, 2, "two"));
        }

        Assert.Equal(2L, Count());
    }

    [Fact]
    public void Without_a_cache_each_statement_is_finalized_when_its_lease_ends()
    {
        sqlite3_stmt first;
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            first = lease.Statement;
            Assert.Equal(raw.SQLITE_DONE, InsertRow(first, 1, "one"));
        }

        Assert.True(first.IsClosed);
        using var second = SqliteStatementCache.Prepare(_connection, Insert);
        Assert.NotSame(first, second.Statement);
    }

    [Fact]
    public void A_cached_statement_left_mid_step_or_failed_is_reset_and_works_again()
    {
        using var cache = SqliteStatementCache.Attach(_connection);
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.Equal(raw.SQLITE_DONE, InsertRow(lease.Statement, 1, "one"));
            Assert.Equal(raw.SQLITE_DONE, InsertRow(lease.Statement, 2, "two"));
        }

        sqlite3_stmt select;
        using (var lease = SqliteStatementCache.Prepare(_connection, "SELECT v FROM t ORDER BY id"))
        {
            select = lease.Statement;
            Assert.Equal(raw.SQLITE_ROW, raw.sqlite3_step(select));
            Assert.NotEqual(0, raw.sqlite3_stmt_busy(select));
        }

        // Reset by the lease: no read transaction held open while it waits in the cache.
        Assert.Equal(0, raw.sqlite3_stmt_busy(select));
        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.Equal(raw.SQLITE_CONSTRAINT, InsertRow(lease.Statement, 1, "again"));
        }

        using (var lease = SqliteStatementCache.Prepare(_connection, Insert))
        {
            Assert.Equal(raw.SQLITE_DONE, InsertRow(lease.Statement, 3, "three"));
        }

        Assert.Equal(3L, Count());
    }

    [Fact]
    public void Sql_that_does_not_compile_fails_with_the_databases_message_and_is_not_cached()
    {
        using var cache = SqliteStatementCache.Attach(_connection);
        var error = Assert.Throws<SqliteException>(() => SqliteStatementCache.Prepare(_connection, "SELECT nope FROM t"));
        Assert.Contains("no such column", error.Message, StringComparison.Ordinal);
        using var create = _connection.CreateCommand();
        create.CommandText = "ALTER TABLE t ADD COLUMN nope TEXT";
        create.ExecuteNonQuery();
        using var lease = SqliteStatementCache.Prepare(_connection, "SELECT nope FROM t");
        Assert.Equal(raw.SQLITE_DONE, raw.sqlite3_step(lease.Statement));
    }

    private static int InsertRow(sqlite3_stmt statement, long id, string value)
    {
        raw.sqlite3_bind_int64(statement, 1, id);
        raw.sqlite3_bind_text(statement, 2, value);
        var stepped = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        return stepped;
    }

    private long Count()
    {
        using var count = _connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM t";
        return (long)count.ExecuteScalar()!;
    }
}
