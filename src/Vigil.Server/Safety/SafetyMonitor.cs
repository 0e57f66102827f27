using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Messaging;
using Vigil.Server.Realtime;

namespace Vigil.Server.Safety;

/// <summary>
/// Screens the safety outbox after messages commit, never in the send path: each pending message version is read,
/// decrypted, run through the adverse-event detector (screened conversations) and the PHI guard (conversations not
/// cleared for PHI), and the outcome recorded by the writer (outbox row removed, case opened or PHI flagged,
/// ledgered). SafetyOfficers hear of a new case and ComplianceOfficers of a flag at once over the hub; the
/// conversation's members are never told.
/// </summary>
public sealed partial class SafetyMonitor(
    IServiceScopeFactory scopes,
    SafetyDetector detector,
    PhiGuard phiGuard,
    MessageWriter writer,
    DataKeyStore dataKeys,
    IHubContext<ChatHub, IChatClient> hub,
    IIdGenerator ids,
    TimeProvider time,
    IOptions<SafetyOptions> options,
    ILogger<SafetyMonitor> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.MonitorEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                while (await RunOnceAsync(stoppingToken).ConfigureAwait(false) == BatchSize)
                {
                    // A full batch: there may be more waiting.
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>Screens up to one batch of the outbox; returns how many message versions were screened.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var results = new List<SafetyScanResult>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var pending = await db.SafetyScans.AsNoTracking().OrderBy(s => s.EnqueuedAt).Take(BatchSize).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (pending.Count == 0)
            {
                return 0;
            }

            var messageIds = pending.Select(s => s.MessageId).Distinct().ToList();
            var messages = await db.Messages.AsNoTracking().Where(m => messageIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken).ConfigureAwait(false);
            var conversationIds = messages.Values.Select(m => m.ConversationId).Distinct().ToList();
            var conversations = await db.Conversations.AsNoTracking().Where(c => conversationIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, cancellationToken).ConfigureAwait(false);
            foreach (var scan in pending)
            {
                // A version edited away before screening is screened as its newer version (which has its own row).
                if (!messages.TryGetValue(scan.MessageId, out var message) || message.Version != scan.Version || message.DeletedAt is not null)
                {
                    results.Add(new SafetyScanResult(scan.MessageId, scan.Version, null));
                    continue;
                }

                var conversation = conversations[message.ConversationId];
                var key = await dataKeys.GetAsync(db, DataKeyStore.SubjectOf(conversation), cancellationToken).ConfigureAwait(false);
                if (key is null)
                {
                    results.Add(new SafetyScanResult(scan.MessageId, scan.Version, null));
                    continue;
                }

                var text = ContentCipher.Decrypt(key, message.Id, message.Body);
                SafetyCase? safetyCase = null;
                if (conversation.SafetyMonitored)
                {
                    var finding = detector.Analyze(text);
                    safetyCase = finding.IsAdverseEvent
                        ? SafetyCases.NewCase(message, conversation, finding, text, conversation.PatientId == message.SenderId, key, ids.NewId(),
                            time.GetUtcNow(), SafetyCaseSources.Detector, openedBy: null)
                        : null;
                }

                PhiFlag? flag = null;
                if (!conversation.PhiAllowed && await phiGuard.ScanAsync(text, cancellationToken).ConfigureAwait(false) is { Count: > 0 } spans)
                {
                    var flagId = ids.NewId();
                    flag = new PhiFlag
                    {
                        Id = flagId,
                        MessageId = message.Id,
                        MessageVersion = message.Version,
                        ConversationId = conversation.Id,
                        SenderId = message.SenderId,
                        Types = string.Join(',', spans.Select(s => s.Type).Distinct()),
                        Findings = ContentCipher.Encrypt(key, flagId, System.Text.Json.JsonSerializer.Serialize(spans)),
                        SenderAcknowledged = scan.PhiAcknowledged,
                        FlaggedAt = time.GetUtcNow(),
                    };
                }

                results.Add(new SafetyScanResult(scan.MessageId, scan.Version, safetyCase, flag));
            }
        }

        var outcome = await writer.SubmitAsync(new RecordSafetyScansCommand(results), cancellationToken).ConfigureAwait(false);
        if (outcome.Cases.Count > 0)
        {
            await NotifyAsync(outcome.Cases, cancellationToken).ConfigureAwait(false);
        }

        if (outcome.Flags.Count > 0)
        {
            await NotifyComplianceAsync(outcome.Flags, cancellationToken).ConfigureAwait(false);
        }

        return results.Count;
    }

    private static async Task<List<string>> GroupsOfAsync(VigilDbContext db, string role, CancellationToken cancellationToken) =>
        (await db.UsersInRole(role).ToListAsync(cancellationToken).ConfigureAwait(false)).Select(ChatGroups.User).ToList();

    private async Task NotifyComplianceAsync(List<PhiFlag> flags, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var reviews = scope.ServiceProvider.GetRequiredService<PhiFlags>();
        var groups = await GroupsOfAsync(db, VigilRoles.ComplianceOfficer, cancellationToken).ConfigureAwait(false);
        foreach (var flag in flags)
        {
            await hub.Clients.Groups(groups).PhiFlagged(await reviews.ToDtoAsync(flag, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    private async Task NotifyAsync(List<SafetyCase> opened, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var cases = scope.ServiceProvider.GetRequiredService<SafetyCases>();
        var groups = await GroupsOfAsync(db, VigilRoles.SafetyOfficer, cancellationToken).ConfigureAwait(false);
        foreach (var safetyCase in opened)
        {
            await hub.Clients.Groups(groups).SafetyCaseOpened(await cases.ToDtoAsync(safetyCase, withNotes: false, cancellationToken).ConfigureAwait(false))
                .ConfigureAwait(false);
        }

        LogOpened(opened.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Opened {Count} safety case(s)")]
    private partial void LogOpened(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A safety screening pass failed; the outbox keeps the messages for the next pass")]
    private partial void LogPassFailed(Exception exception);
}
