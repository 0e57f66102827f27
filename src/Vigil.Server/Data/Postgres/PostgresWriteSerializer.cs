using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Vigil.Server.Data.Postgres;

/// <summary>
/// Gives PostgreSQL the write semantics Vigil was built on with SQLite: one writing transaction at a time per
/// database, whichever node it runs on. Every transaction takes the same transaction-scoped advisory lock first
/// (released at commit or rollback), so numbering that reads the current maximum (ledger sequence, a conversation's
/// message sequence) never hands out a number twice, and a lock taken first everywhere cannot deadlock. Reads outside
/// transactions are not held up.
/// </summary>
internal sealed class PostgresWriteSerializer : DbTransactionInterceptor
{
    // Any fixed number: every Vigil node on one database takes the same lock.
    internal const long LockKey = 0x56494749_4C000001;

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = Lock(connection, result);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = Lock(connection, result);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private static DbCommand Lock(DbConnection connection, DbTransaction transaction)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT pg_advisory_xact_lock({LockKey})";
        return command;
    }
}
