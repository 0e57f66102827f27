using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Vigil.Server.Data;

/// <summary>Inserts rows with one prepared command inside the context's current transaction (<see cref="DirectStatement"/>).</summary>
internal static class DirectInsert
{
    public static Task InsertAsync<TEntity>(DbContext db, IReadOnlyList<TEntity> rows, CancellationToken cancellationToken)
        where TEntity : class =>
        DirectStatement.ExecuteAsync(db, rows, "insert", Plan, cancellationToken);

    /// <summary>The columns of <typeparamref name="TEntity"/> that SQLite's own statement cannot bind by position
    /// (with their type mapping); when there are any, its rows go through Microsoft.Data.Sqlite.</summary>
    internal static IReadOnlyList<string> UnboundColumns<TEntity>(DbContext db)
        where TEntity : class
    {
        using var command = db.Database.GetDbConnection().CreateCommand();
        var plan = Plan(DirectStatement.EntityType<TEntity>(db), db.GetService<ISqlGenerationHelper>(), command);
        return [.. plan.Columns.Where(c => c.Sqlite is null).Select(c => $"{c.ParameterName} ({c.Mapping.GetType().Name}, {c.Mapping.ClrType.Name})")];
    }

    private static DirectStatement.Plan Plan(IEntityType entityType, ISqlGenerationHelper sql, DbCommand factory)
    {
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().ToArray();
        var columns = properties.Select((p, i) => DirectStatement.Column.Of(p, i, sql, factory)).ToArray();
        var names = string.Join(", ", properties.Select(p => sql.DelimitIdentifier(p.GetColumnName(table)!)));
        var values = string.Join(", ", columns.Select(c => c.ParameterName));
        return new DirectStatement.Plan($"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({names}) VALUES ({values})", columns);
    }
}
