using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Vigil.Server.Ledger;

namespace Vigil.Cli;

/// <summary><c>vigil ledger verify</c>: the offline check an auditor runs on a copy of the data folder.</summary>
internal static class LedgerCommands
{
    public static Command Create(Option<string> dataDir, IAnsiConsole console, TextWriter error)
    {
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "PEM public key to check checkpoint signatures with. Default: keys/ledger-signing.pub.pem in the data folder; " +
                          "pin the one you obtained earlier, since whoever can edit the folder can replace that file",
        };
        var verify = new Command("verify", "Recompute every ledger leaf, root, checkpoint signature and message commitment; exit 0 only if all hold.")
        {
            publicKey,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var exit = 0;
            var code = await VigilCommand.Guarded(error, async () =>
            {
                var folder = parse.GetValue(dataDir)!;
                var onPostgres = string.Equals(Environment.GetEnvironmentVariable("Vigil__Database"), "postgres", StringComparison.OrdinalIgnoreCase);
                if (!onPostgres && !File.Exists(Path.Combine(folder, "vigil.db")))
                {
                    throw new CliException($"no Vigil database in '{Path.GetFullPath(folder)}'");
                }

                var keyPath = parse.GetValue(publicKey) ?? Path.Combine(folder, "keys", "ledger-signing.pub.pem");
                if (!File.Exists(keyPath))
                {
                    throw new CliException($"public key '{keyPath}' not found; give --public-key");
                }

                var pem = await File.ReadAllTextAsync(keyPath, ct).ConfigureAwait(false);
                await using var services = DataDirectoryTarget.BuildServices(folder);
                await using var scope = services.CreateAsyncScope();
                var verifier = scope.ServiceProvider.GetRequiredService<LedgerVerifier>();
                var clock = Stopwatch.StartNew();
                LedgerVerification? result = null;
                await console.Progress().AutoClear(true).StartAsync(async context =>
                {
                    var task = context.AddTask("Verifying ledger");
                    var progress = new Progress<(long Done, long Total)>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.Total);
                        task.Value = p.Done;
                    });
                    result = await verifier.VerifyAsync(pem, progress, ct).ConfigureAwait(false);
                    task.Value = task.MaxValue;
                }).ConfigureAwait(false);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

                console.MarkupLineInterpolated(
                    $"{result!.Entries} entries, {result.Checkpoints} signed checkpoint(s), {result.MessageVersions} message version(s) checked, {result.ErasedVersions} erased, in {clock.Elapsed.TotalSeconds:0.0} s.");
                if (result.Holds)
                {
                    console.MarkupLine("[green]Ledger verified:[/] every leaf, root, signature and commitment holds.");
                }
                else
                {
                    await error.WriteLineAsync($"vigil: ledger verification FAILED: {result.FirstProblem}").ConfigureAwait(false);
                    exit = 2;
                }
            }).ConfigureAwait(false);
            return code != 0 ? code : exit;
        });
        return new Command("ledger", "The tamper-evident audit ledger.") { verify };
    }
}
