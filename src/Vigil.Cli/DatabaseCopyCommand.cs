using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Vigil.Server.Data;
using Vigil.Server.Hosting;
using Vigil.Server.Ledger;

namespace Vigil.Cli;

/// <summary>
/// <c>vigil db copy --from sqlite:DATA_DIR --to postgres:CONNECTION</c>: moves an embedded deployment to PostgreSQL (or
/// back), then proves the copy by verifying the ledger on the target with the deployment's own keys.
/// </summary>
internal static class DatabaseCopyCommand
{
    public static Command Create(IAnsiConsole console, TextWriter error)
    {
        var from = new Option<string>("--from")
        {
            Description = "Source: sqlite:DATA_DIR (the folder with vigil.db and keys/) or postgres:CONNECTION_STRING",
            Required = true,
        };
        var to = new Option<string>("--to")
        {
            Description = "Target, an empty database: postgres:CONNECTION_STRING or sqlite:DATA_DIR",
            Required = true,
        };
        var keys = new Option<string?>("--keys")
        {
            Description = "Data folder with the deployment's keys/ (default: the sqlite side's folder); the target server uses it too",
        };
        var copy = new Command("copy", "Copy every row into an empty database of the other kind and verify its ledger there.") { from, to, keys };
        copy.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            var source = Endpoint.Parse(parse.GetValue(from)!, "--from");
            var target = Endpoint.Parse(parse.GetValue(to)!, "--to");
            var keyFolder = parse.GetValue(keys) ?? (source.IsSqlite ? source.Value : target.IsSqlite ? target.Value : null)
                ?? throw new CliException("give --keys DATA_DIR: the folder with the deployment's keys/");
            if (source.IsSqlite && !File.Exists(Path.Combine(source.Value, "vigil.db")))
            {
                throw new CliException($"no Vigil database in '{Path.GetFullPath(source.Value)}'");
            }

            await using var sourceServices = DataDirectoryTarget.BuildServices(keyFolder, source.Database);
            await using var targetServices = DataDirectoryTarget.BuildServices(keyFolder, target.Database);
            await using var sourceScope = sourceServices.CreateAsyncScope();
            await using var targetScope = targetServices.CreateAsyncScope();
            var sourceDb = sourceScope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var targetDb = targetScope.ServiceProvider.GetRequiredService<VigilDbContext>();
            if ((await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetPendingMigrationsAsync(sourceDb.Database, ct).ConfigureAwait(false)).Any())
            {
                throw new CliException("the source is not at the current schema: run 'vigil db migrate' on it first");
            }

            // The schema only: roles and every other row come from the source.
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.MigrateAsync(targetDb.Database, ct).ConfigureAwait(false);

            var clock = Stopwatch.StartNew();
            IReadOnlyList<TableCopy> tables = [];
            await console.Progress().AutoClear(false).Columns(
                new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async context =>
                {
                    var tasks = new Dictionary<string, ProgressTask>();
                    var progress = new SynchronousProgress<(string Table, long Done, long Total)>(p =>
                    {
                        if (!tasks.TryGetValue(p.Table, out var task))
                        {
                            task = tasks[p.Table] = context.AddTask(p.Table, maxValue: Math.Max(1, p.Total));
                        }

                        task.Value = Math.Max(1, p.Total) == 1 && p.Total == 0 ? 1 : p.Done;
                    });
                    tables = await DatabaseCopy.CopyAsync(sourceDb, targetDb, progress, ct).ConfigureAwait(false);
                }).ConfigureAwait(false);

            var mismatched = tables.Where(t => t.SourceRows != t.TargetRows).ToList();
            var summary = new Table().AddColumn("table").AddColumn(new TableColumn("rows").RightAligned());
            foreach (var table in tables.Where(t => t.SourceRows > 0))
            {
                summary.AddRow(Markup.Escape(table.Table), table.TargetRows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }

            console.Write(summary);
            console.MarkupLineInterpolated($"Copied {tables.Sum(t => t.TargetRows):N0} rows in {tables.Count} tables in {clock.Elapsed.TotalSeconds:0.0} s.");
            if (mismatched.Count > 0)
            {
                throw new CliException($"row counts differ in {string.Join(", ", mismatched.Select(t => t.Table))}");
            }

            var pemPath = Path.Combine(keyFolder, "keys", "ledger-signing.pub.pem");
            if (!File.Exists(pemPath))
            {
                throw new CliException($"public key '{pemPath}' not found: the ledger on the target was not verified");
            }

            var verification = await targetScope.ServiceProvider.GetRequiredService<LedgerVerifier>()
                .VerifyAsync(await File.ReadAllTextAsync(pemPath, ct).ConfigureAwait(false), null, ct).ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!verification.Holds)
            {
                throw new CliException($"the copied ledger does not verify: {verification.FirstProblem}");
            }

            console.MarkupLineInterpolated(
                $"[green]Ledger verified on the target:[/] {verification.Entries} entries, {verification.Checkpoints} signed checkpoint(s), {verification.MessageVersions} message version(s).");
            if (target.IsSqlite is false)
            {
                console.MarkupLineInterpolated($"Run the server with Vigil__Database=postgres, Vigil__ConnectionString=… and --data-dir {keyFolder}.");
            }
        }));
        return copy;
    }

    private sealed record Endpoint(string Provider, string Value)
    {
        public bool IsSqlite => Provider == VigilOptions.Sqlite;

        public (string Provider, string? ConnectionString) Database =>
            IsSqlite ? (VigilOptions.Sqlite, $"Data Source={Path.Combine(Value, "vigil.db")};Default Timeout=30") : (VigilOptions.Postgres, Value);

        public static Endpoint Parse(string text, string option)
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            var kind = colon < 0 ? "" : text[..colon].ToLowerInvariant();
            var value = colon < 0 ? "" : text[(colon + 1)..];
            return kind switch
            {
                VigilOptions.Sqlite when value.Length > 0 => new Endpoint(VigilOptions.Sqlite, value),
                VigilOptions.Postgres or "postgresql" when value.Length > 0 => new Endpoint(VigilOptions.Postgres, value),
                _ => throw new CliException($"{option} must be sqlite:DATA_DIR or postgres:CONNECTION_STRING"),
            };
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and lag the bars).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
