using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Vigil.Server.Data;

/// <summary>
/// Inserts rows with one prepared command inside the context's current transaction, bypassing change tracking,
/// for the send hot path, where tracking and per-row command building cost more than the insert itself. Columns,
/// names and value conversions come from the EF model, so the row is stored exactly as EF would store it on any
/// provider.
/// </summary>
internal static class DirectInsert
{
    private static readonly ConcurrentDictionary<IEntityType, Plan> Plans = new();

    public static async Task InsertAsync<TEntity>(DbContext db, IReadOnlyList<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("DirectInsert runs inside the caller's transaction.");
        var entityType = db.Model.FindEntityType(typeof(TEntity))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        var connection = transaction.Connection!;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var plan = Plans.GetOrAdd(entityType, static (type, state) => Plan.For(type, state.db.GetService<ISqlGenerationHelper>(), state.command), (db, command));
        if (plan.BindsNatively && connection is SqliteConnection sqlite)
        {
            SqliteStatementInsert.Insert(sqlite, plan.Sql, plan.Columns, rows, cancellationToken);
            return;
        }

        if (connection.CanCreateBatch)
        {
            // Over a network (PostgreSQL) the round trip is the cost: every row of the chunk goes in one.
            foreach (var chunk in rows.Chunk(BatchRows))
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var row in chunk)
                {
                    var insert = batch.CreateBatchCommand();
                    insert.CommandText = plan.Sql;
                    AddParameters(insert.Parameters, plan, command, row);
                    batch.BatchCommands.Add(insert);
                }

                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // In-process (SQLite) with a column only Microsoft.Data.Sqlite knows how to bind: one command, executed per row.
        command.CommandText = plan.Sql;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            AddParameters(command.Parameters, plan, command, row);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private const int BatchRows = 1000;

    /// <summary><paramref name="factory"/> only creates the parameters (type mappings need a command for that).</summary>
    private static void AddParameters(DbParameterCollection parameters, Plan plan, DbCommand factory, object row)
    {
        foreach (var column in plan.Columns)
        {
            parameters.Add(column.Mapping.CreateParameter(factory, column.ParameterName, column.Getter.GetClrValue(row), column.Nullable));
        }
    }

    /// <summary>The columns of <typeparamref name="TEntity"/> that SQLite's own statement cannot bind by position
    /// (with their type mapping); when there are any, its rows go through Microsoft.Data.Sqlite.</summary>
    internal static IReadOnlyList<string> UnboundColumns<TEntity>(DbContext db)
    {
        var entityType = db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");
        using var command = db.Database.GetDbConnection().CreateCommand();
        var plan = Plan.For(entityType, db.GetService<ISqlGenerationHelper>(), command);
        return [.. plan.Columns.Where(c => c.Sqlite is null).Select(c => $"{c.ParameterName} ({c.Mapping.GetType().Name}, {c.Mapping.ClrType.Name})")];
    }

    /// <param name="Sqlite">How the column binds on SQLite's own statement (null: through Microsoft.Data.Sqlite).</param>
    internal sealed record Column(string ParameterName, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable, SqliteStatementInsert.Binding? Sqlite);

    private sealed record Plan(string Sql, Column[] Columns)
    {
        public bool BindsNatively { get; } = Columns.All(c => c.Sqlite is not null);

        public static Plan For(IEntityType entityType, ISqlGenerationHelper sql, DbCommand factory)
        {
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var properties = entityType.GetProperties().ToArray();
            var columns = properties.Select((p, i) =>
            {
                var name = sql.GenerateParameterName("p" + i);
                var mapping = p.GetRelationalTypeMapping();
                // A parameter made the way EF makes it shows the SQLite type EF asks for.
                var probe = mapping.CreateParameter(factory, name, null, p.IsNullable);
                return new Column(name, mapping, p.GetGetter(), p.IsNullable, SqliteStatementInsert.BindingOf(mapping, probe));
            }).ToArray();
            var names = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            var values = string.Join(", ", columns.Select(c => c.ParameterName));
            return new Plan($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})", columns);
        }
    }
}
