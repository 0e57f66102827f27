using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Vigil.Server.Data;

/// <summary>One table's rows in the source and, after the copy, in the target.</summary>
public sealed record TableCopy(string Table, long SourceRows, long TargetRows);

/// <summary>
/// Copies every row of one Vigil database into another, empty one of the current schema (SQLite to PostgreSQL when a
/// deployment outgrows one node, or back). Rows keep their ids, sequences and stored bytes exactly, so ledger leaves,
/// commitments and signatures still verify on the other side; the search index is not copied but rebuilt by the
/// target's server. Everything is written in one transaction: a failed copy leaves the target empty.
/// </summary>
public static class DatabaseCopy
{
    private const int BatchSize = 2_000;

    private static readonly MethodInfo CopyTableMethod =
        typeof(DatabaseCopy).GetMethod(nameof(CopyTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    private static readonly MethodInfo CountTableMethod =
        typeof(DatabaseCopy).GetMethod(nameof(CountTableAsync), BindingFlags.NonPublic | BindingFlags.Static)!;

    public static async Task<IReadOnlyList<TableCopy>> CopyAsync(
        VigilDbContext source, VigilDbContext target, IProgress<(string Table, long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        // The search index is derived from the ledger and kept differently per database (Search/SearchPostings.cs):
        // the target starts without it and its indexer rebuilds it.
        var tables = InDependencyOrder(target.Model).Where(t => t.ClrType != typeof(Search.SearchCursor)).ToList();
        foreach (var table in tables)
        {
            if (await CountAsync(target, table, cancellationToken).ConfigureAwait(false) > 0)
            {
                throw new InvalidOperationException($"The target is not empty (table {table.GetTableName()} has rows); copy into a new database.");
            }
        }

        target.ChangeTracker.AutoDetectChangesEnabled = false;
        var strategy = target.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await target.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var table in tables)
            {
                var copy = (Task)CopyTableMethod.MakeGenericMethod(table.ClrType).Invoke(null, [source, target, table, progress, cancellationToken])!;
                await copy.ConfigureAwait(false);
            }

            await RestartIdentitySequencesAsync(target, tables, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var counts = new List<TableCopy>(tables.Count);
        foreach (var table in tables)
        {
            counts.Add(new TableCopy(table.GetTableName()!,
                await CountAsync(source, table, cancellationToken).ConfigureAwait(false),
                await CountAsync(target, table, cancellationToken).ConfigureAwait(false)));
        }

        return counts;
    }

    /// <summary>Principal tables before the tables that point at them, so foreign keys hold at every insert.</summary>
    internal static List<IEntityType> InDependencyOrder(IModel model)
    {
        var types = model.GetEntityTypes().Where(t => !t.IsOwned() && t.FindPrimaryKey() is not null && t.GetTableName() is not null).ToList();
        var ordered = new List<IEntityType>(types.Count);
        var visiting = new HashSet<IEntityType>();
        void Visit(IEntityType type)
        {
            if (ordered.Contains(type) || !visiting.Add(type))
            {
                return;
            }

            foreach (var principal in type.GetForeignKeys().Select(k => k.PrincipalEntityType).Where(p => p != type && types.Contains(p)))
            {
                Visit(principal);
            }

            ordered.Add(type);
        }

        foreach (var type in types.OrderBy(t => t.GetTableName(), StringComparer.Ordinal))
        {
            Visit(type);
        }

        return ordered;
    }

    private static Task<long> CountAsync(VigilDbContext db, IEntityType table, CancellationToken cancellationToken) =>
        (Task<long>)CountTableMethod.MakeGenericMethod(table.ClrType).Invoke(null, [db, cancellationToken])!;

    private static Task<long> CountTableAsync<TEntity>(VigilDbContext db, CancellationToken cancellationToken)
        where TEntity : class => db.Set<TEntity>().LongCountAsync(cancellationToken);

    private static async Task CopyTableAsync<TEntity>(
        VigilDbContext source, VigilDbContext target, IEntityType table, IProgress<(string Table, long Done, long Total)>? progress,
        CancellationToken cancellationToken)
        where TEntity : class
    {
        var name = table.GetTableName()!;
        var total = await source.Set<TEntity>().LongCountAsync(cancellationToken).ConfigureAwait(false);
        progress?.Report((name, 0, total));
        long done = 0;
        await foreach (var row in source.Set<TEntity>().AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            target.Set<TEntity>().Add(row);
            if (++done % BatchSize == 0)
            {
                await target.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                target.ChangeTracker.Clear();
                progress?.Report((name, done, total));
            }
        }

        await target.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        target.ChangeTracker.Clear();
        progress?.Report((name, done, total));
    }

    /// <summary>Rows came with their ids, so identity sequences (PostgreSQL) must continue after the largest one.</summary>
    private static async Task RestartIdentitySequencesAsync(VigilDbContext target, IEnumerable<IEntityType> tables, CancellationToken cancellationToken)
    {
        if (!target.Database.IsNpgsql())
        {
            return;
        }

        var sql = target.GetService<ISqlGenerationHelper>();
        foreach (var table in tables)
        {
            var tableName = table.GetTableName()!;
            var store = StoreObjectIdentifier.Table(tableName, table.GetSchema());
            foreach (var key in table.FindPrimaryKey()!.Properties.Where(p =>
                p.ValueGenerated == ValueGenerated.OnAdd && (p.ClrType == typeof(int) || p.ClrType == typeof(long))))
            {
                var column = key.GetColumnName(store)!;
                var quotedTable = sql.DelimitIdentifier(tableName, table.GetSchema());
                var quotedColumn = sql.DelimitIdentifier(column);
                // Identifiers come from the EF model, not from input.
#pragma warning disable EF1002
                await target.Database.ExecuteSqlRawAsync(
                    $"SELECT setval(pg_get_serial_sequence('{quotedTable}', '{column}'), COALESCE((SELECT MAX({quotedColumn}) FROM {quotedTable}), 0) + 1, false)",
                    cancellationToken).ConfigureAwait(false);
#pragma warning restore EF1002
            }
        }
    }
}
