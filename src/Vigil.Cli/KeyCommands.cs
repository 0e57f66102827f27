using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;
using Vigil.Client;
using Vigil.Server.Compliance;
using Vigil.Server.Data;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;

namespace Vigil.Cli;

/// <summary><c>vigil keys rotate</c> and <c>vigil gdpr erase</c>: key management on a data folder (or erasure through a server).</summary>
internal static class KeyCommands
{
    public static Command Keys(Option<string> dataDir, IAnsiConsole console, TextWriter error)
    {
        var rotate = new Command("rotate",
            "Make a new key-encryption key current and rewrap every data key under it. The server may keep running: it reads keys by id, and the old key file stays until you retire it.");
        rotate.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            await using var target = await DataDirectoryTarget.OpenAsync(parse.GetValue(dataDir)!, ct).ConfigureAwait(false);
            await using var scope = target.Services.CreateAsyncScope();
            var keks = scope.ServiceProvider.GetRequiredService<IKeyEncryptionKeyProvider>();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var id = keks.Rotate();
            await using var transaction = await db.Database.BeginTransactionAsync(ct).ConfigureAwait(false);
            var count = await scope.ServiceProvider.GetRequiredService<DataKeyStore>().RewrapAllAsync(db, ct).ConfigureAwait(false);
            await scope.ServiceProvider.GetRequiredService<LedgerAppender>().AppendAsync(db,
                [new LedgerEvent(null, LedgerActions.KeysRotated, $"kek/{id}", $"rewrapped={count}")], scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(), ct).ConfigureAwait(false);
            await transaction.CommitAsync(ct).ConfigureAwait(false);
            console.MarkupLineInterpolated($"Key-encryption key [bold]{id}[/] is current; {count} data key(s) rewrapped.");
        }));
        return new Command("keys", "Encryption keys.") { rotate };
    }

    public static Command Gdpr(Option<string> dataDir, Func<ParseResult, Uri?> server, Func<ParseResult, CancellationToken, Task<VigilClient>> signIn,
        IAnsiConsole console, TextWriter error)
    {
        var subject = new Option<Guid>("--subject") { Description = "Patient or user id, or a conversation id", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the ledger)", Required = true };
        var erase = new Command("erase",
            "Crypto-shred a subject: destroy their keys so their content is unreadable everywhere; the ledger still verifies. " +
            "With --server the running server forgets the keys at once; offline, stop the server first.") { subject, reason };
        erase.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            var id = parse.GetValue(subject);
            var why = parse.GetValue(reason)!;
            if (server(parse) is not null)
            {
                using var client = await signIn(parse, ct).ConfigureAwait(false);
                var result = await client.EraseSubjectAsync(id, why, ct).ConfigureAwait(false);
                console.MarkupLineInterpolated($"Erased {id}: {result.GetRawText()}");
                return;
            }

            await using var target = await DataDirectoryTarget.OpenAsync(parse.GetValue(dataDir)!, ct).ConfigureAwait(false);
            await using var scope = target.Services.CreateAsyncScope();
            var erased = await scope.ServiceProvider.GetRequiredService<SubjectErasure>().EraseAsync(id, why, null, ct).ConfigureAwait(false);
            console.MarkupLineInterpolated(
                $"Erased {erased.SubjectKind} {erased.SubjectId}: {erased.DataKeysDestroyed} data key(s) and {erased.CommitmentKeysDestroyed} commitment key(s) destroyed.");
        }));
        return new Command("gdpr", "Data-subject rights.") { erase };
    }
}
