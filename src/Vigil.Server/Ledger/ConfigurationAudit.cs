using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Attachments;
using Vigil.Server.Data;
using Vigil.Server.Messaging;

namespace Vigil.Server.Ledger;

/// <summary>
/// Records the effective settings that govern records (limits, session rules, checkpoint cadence, how long other nodes
/// may use a key after an erasure) in the ledger when the server starts with settings different from the last recorded
/// ones, so a change of configuration is auditable (EU Annex 11 §10). None of these settings is secret; keys live elsewhere.
/// </summary>
internal sealed class ConfigurationAudit(
    IServiceScopeFactory scopes,
    LedgerRecorder recorder,
    IOptions<MessagingOptions> messaging,
    IOptions<Identity.SessionOptions> sessions,
    IOptions<LedgerOptions> ledger,
    IOptions<AttachmentOptions> attachments,
    IOptions<Keys.KeysOptions> keys) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        var settings = JsonSerializer.Serialize(new
        {
            messaging = messaging.Value,
            sessions = sessions.Value,
            ledger = ledger.Value,
            attachments = attachments.Value,
            keys = keys.Value,
        });
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(settings)));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var last = await db.LedgerEntries.AsNoTracking().Where(e => e.Action == LedgerActions.ConfigurationApplied)
            .OrderByDescending(e => e.Sequence).Select(e => e.Commitment).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (last != fingerprint)
        {
            await recorder.RecordAsync(cancellationToken, new LedgerEvent(null, LedgerActions.ConfigurationApplied, "config/vigil", settings, fingerprint))
                .ConfigureAwait(false);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
