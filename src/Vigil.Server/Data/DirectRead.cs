using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Vigil.Server.Data;

/// <summary>
/// Finds entities by primary key with one prepared statement on SQLite's own handle and tracks them as unchanged, as
/// a tracking query would. For the group commit's prefetch of its sends' conversations and memberships: two compiled
/// EF queries cost ~170 µs of CPU a batch (bench/results/writer-fixed-costs-2026-11-28.md), mostly EF's query
/// pipeline around lookups SQLite answers in microseconds. Columns, names and value conversions come from the EF
/// model; an entity with a column whose value only Microsoft.Data.Sqlite knows how to read, or another provider,
/// is not read here (<see cref="CanRead{TEntity}"/>) and the caller queries through EF.
/// </summary>
internal static class DirectRead
{
    private static readonly ConcurrentDictionary<IEntityType, Plan?> Plans = new();

    /// <summary>Whether <see cref="FindAll{TEntity}"/> can read <typeparamref name="TEntity"/> on this context's connection.</summary>
    public static bool CanRead<TEntity>(DbContext db)
        where TEntity : class =>
        db.Database.GetDbConnection() is SqliteConnection && PlanFor(db, DirectStatement.EntityType<TEntity>(db)) is not null;

    /// <summary>
    /// The stored entity for each key (its primary key's values in order), or null where none is stored; an entity the
    /// context already tracks is returned as tracked, unread. Runs inside the context's current transaction.
    /// </summary>
    public static List<TEntity?> FindAll<TEntity>(DbContext db, IReadOnlyList<object[]> keys, CancellationToken cancellationToken)
        where TEntity : class
    {
        var connection = db.Database.GetDbConnection() as SqliteConnection
            ?? throw new InvalidOperationException("Direct reads are for SQLite connections.");
        var plan = PlanFor(db, DirectStatement.EntityType<TEntity>(db))
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name} has a column that cannot be read directly.");
        var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        using var paused = DirectStatement.PauseChangeDetection(db);
        var local = db.Set<TEntity>().Local;
        var found = new List<TEntity?>(keys.Count);
        using (var prepared = SqliteStatementCache.Prepare(connection, plan.Sql))
        {
            var statement = prepared.Statement;
            var buffer = Array.Empty<byte>();
            foreach (var key in keys)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (local.FindEntry(plan.KeyProperties, key) is { } tracked)
                {
                    found.Add((TEntity)tracked.Entity);
                    continue;
                }

                for (var i = 0; i < key.Length; i++)
                {
                    SqliteStatementRows.BindValue(statement, i + 1, plan.Keys[i], key[i], ref buffer);
                }

                var stepped = raw.sqlite3_step(statement);
                TEntity? entity = null;
                if (stepped == raw.SQLITE_ROW)
                {
                    entity = (TEntity)plan.Create();
                    for (var i = 0; i < plan.Columns.Length; i++)
                    {
                        plan.Setters[i](entity, SqliteStatementRows.Read(statement, i, plan.Columns[i]));
                    }
                }

                raw.sqlite3_reset(statement);
                if (stepped is not (raw.SQLITE_ROW or raw.SQLITE_DONE))
                {
                    SqliteStatementRows.Check(stepped, handle);
                }

                if (entity is not null)
                {
                    db.Entry(entity).State = EntityState.Unchanged;
                }

                found.Add(entity);
            }
        }

        return found;
    }

    private static Plan? PlanFor(DbContext db, IEntityType entityType)
    {
        if (Plans.TryGetValue(entityType, out var plan))
        {
            return plan;
        }

        using var command = db.Database.GetDbConnection().CreateCommand();
        return Plans.GetOrAdd(entityType, Plan.For(entityType, db.GetService<ISqlGenerationHelper>(), command));
    }

    /// <summary>The statement, its result columns (every mapped property, in order) and how each is set.</summary>
    private sealed record Plan(
        string Sql, DirectStatement.Column[] Columns, Action<object, object?>[] Setters, DirectStatement.Column[] Keys, IProperty[] KeyProperties,
        Func<object> Create)
    {
        /// <summary>Null when an entity of this type cannot be read here.</summary>
        public static Plan? For(IEntityType entityType, ISqlGenerationHelper sql, System.Data.Common.DbCommand factory)
        {
            var constructor = entityType.ClrType.GetConstructor(Type.EmptyTypes);
            var properties = entityType.GetProperties().ToArray();
            // A shadow property has no member to set, and a complex property's columns are not among the properties.
            if (constructor is null || properties.Any(p => p.IsShadowProperty()) || entityType.GetComplexProperties().Any())
            {
                return null;
            }

            var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
            var columns = properties.Select((p, i) => DirectStatement.Column.Of(p, i, sql, factory)).ToArray();
            var keyProperties = entityType.FindPrimaryKey()!.Properties.ToArray();
            var keys = keyProperties.Select((p, i) => DirectStatement.Column.Of(p, i, sql, factory)).ToArray();
            if (columns.Concat(keys).Any(c => c.Sqlite is null))
            {
                return null;
            }

            string Name(IProperty p) => sql.DelimitIdentifier(p.GetColumnName(table)!);
            var where = string.Join(" AND ", keyProperties.Select((p, i) => $"{Name(p)} = {keys[i].ParameterName}"));
            var select = $"SELECT {string.Join(", ", properties.Select(Name))} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {where}";
            return new Plan(select, columns, [.. properties.Select(Setter)], keys, keyProperties, () => constructor.Invoke(null));
        }

        // As EF materializes: into the backing field when there is one (its default access mode), else the property.
        private static Action<object, object?> Setter(IProperty property) => property.FieldInfo is FieldInfo field
            ? field.SetValue
            : property.PropertyInfo!.SetValue;
    }
}
