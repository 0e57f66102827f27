using System.Collections.Concurrent;
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
        var plan = Plans.GetOrAdd(entityType, type => Plan.For(type, db.GetService<ISqlGenerationHelper>()));

        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = plan.Sql;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            for (var i = 0; i < plan.Columns.Length; i++)
            {
                var column = plan.Columns[i];
                command.Parameters.Add(column.Mapping.CreateParameter(command, column.ParameterName, column.Getter.GetClrValue(row), column.Nullable));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record Column(string ParameterName, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable);

    private sealed record Plan(string Sql, Column[] Columns)
    {
        public static Plan For(IEntityType entityType, ISqlGenerationHelper sql)
        {
            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var properties = entityType.GetProperties().ToArray();
            var columns = properties.Select((p, i) => new Column(
                sql.GenerateParameterName("p" + i),
                p.GetRelationalTypeMapping(),
                p.GetGetter(),
                p.IsNullable)).ToArray();
            var names = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
            var values = string.Join(", ", columns.Select(c => c.ParameterName));
            return new Plan($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})", columns);
        }
    }
}
