using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Vigil.Server.Data;

/// <summary>
/// One statement executed once per row with one prepared command inside the context's current transaction, bypassing
/// change tracking (<see cref="DirectInsert"/>, <see cref="DirectUpdate"/>), for the send hot path, where tracking and
/// per-row command building cost more than the statement itself. Columns, names and value conversions come from the
/// EF model, so a row is stored exactly as EF would store it on any provider.
/// </summary>
internal static class DirectStatement
{
    private static readonly ConcurrentDictionary<(IEntityType Type, string Statement), Plan> Plans = new();

    private const int BatchRows = 1000;

    /// <summary>
    /// Runs the statement <paramref name="statement"/> names (its plan built once per entity type by
    /// <paramref name="build"/>) for each of <paramref name="rows"/>; returns the rows it affected.
    /// </summary>
    public static async Task<int> ExecuteAsync<TEntity>(
        DbContext db, IReadOnlyList<TEntity> rows, string statement, Func<IEntityType, ISqlGenerationHelper, DbCommand, Plan> build,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        if (rows.Count == 0)
        {
            return 0;
        }

        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Direct statements run inside the caller's transaction.");
        var entityType = EntityType<TEntity>(db);
        var connection = transaction.Connection!;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var plan = Plans.GetOrAdd((entityType, statement), static (key, state) => state.build(key.Type, state.sql, state.command),
            (build, sql: db.GetService<ISqlGenerationHelper>(), command));
        if (plan.BindsNatively && connection is SqliteConnection sqlite)
        {
            return SqliteStatementRows.Execute(sqlite, plan.Sql, plan.Columns, rows, cancellationToken);
        }

        var affected = 0;
        if (connection.CanCreateBatch)
        {
            // Over a network (PostgreSQL) the round trip is the cost: every row of the chunk goes in one.
            foreach (var chunk in rows.Chunk(BatchRows))
            {
                await using var batch = connection.CreateBatch();
                batch.Transaction = transaction;
                foreach (var row in chunk)
                {
                    var one = batch.CreateBatchCommand();
                    one.CommandText = plan.Sql;
                    AddParameters(one.Parameters, plan, command, row);
                    batch.BatchCommands.Add(one);
                }

                affected += await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            return affected;
        }

        // In-process (SQLite) with a column only Microsoft.Data.Sqlite knows how to bind: one command, executed per row.
        command.CommandText = plan.Sql;
        foreach (var row in rows)
        {
            command.Parameters.Clear();
            AddParameters(command.Parameters, plan, command, row);
            affected += await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return affected;
    }

    /// <summary>
    /// Turns the context's automatic change detection off until disposed: looking up or attaching a few entities
    /// should not compare every tracked one's snapshot (<c>Entry</c> and <c>Local</c> detect changes first).
    /// </summary>
    public static ChangeDetectionPause PauseChangeDetection(DbContext db) => new(db.ChangeTracker);

    internal readonly struct ChangeDetectionPause : IDisposable
    {
        private readonly ChangeTracker _tracker;
        private readonly bool _was;

        public ChangeDetectionPause(ChangeTracker tracker)
        {
            _tracker = tracker;
            _was = tracker.AutoDetectChangesEnabled;
            tracker.AutoDetectChangesEnabled = false;
        }

        public void Dispose() => _tracker.AutoDetectChangesEnabled = _was;
    }

    public static IEntityType EntityType<TEntity>(DbContext db) =>
        db.Model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model.");

    /// <summary><paramref name="factory"/> only creates the parameters (type mappings need a command for that).</summary>
    private static void AddParameters(DbParameterCollection parameters, Plan plan, DbCommand factory, object row)
    {
        foreach (var column in plan.Columns)
        {
            parameters.Add(column.Mapping.CreateParameter(factory, column.ParameterName, column.Getter.GetClrValue(row), column.Nullable));
        }
    }

    /// <param name="Sqlite">How the column binds on SQLite's own statement (null: through Microsoft.Data.Sqlite).</param>
    internal sealed record Column(string ParameterName, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable, SqliteStatementRows.Binding? Sqlite)
    {
        /// <summary>The <paramref name="position"/>th parameter of a statement, bound from <paramref name="property"/>.</summary>
        public static Column Of(IProperty property, int position, ISqlGenerationHelper sql, DbCommand factory)
        {
            var name = sql.GenerateParameterName("p" + position);
            var mapping = property.GetRelationalTypeMapping();
            // A parameter made the way EF makes it shows the SQLite type EF asks for.
            var probe = mapping.CreateParameter(factory, name, null, property.IsNullable);
            return new Column(name, mapping, property.GetGetter(), property.IsNullable, SqliteStatementRows.BindingOf(mapping, probe));
        }
    }

    /// <summary>A statement whose parameters are <see cref="Columns"/>, in order.</summary>
    internal sealed record Plan(string Sql, Column[] Columns)
    {
        public bool BindsNatively { get; } = Columns.All(c => c.Sqlite is not null);
    }
}
