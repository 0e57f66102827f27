using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Data;
using Vigil.Server.Messaging;
using Vigil.Server.Patients;

namespace Vigil.Server.Reminders;

/// <summary>What one scheduler pass did.</summary>
public sealed record SchedulerPass(int Scheduled, int Claimed, int Sent, int NotSent, int MarkedMissed, int Alerts);

/// <summary>
/// The durable reminder scheduler. Each pass creates rows ahead of time, claims due rows in the database (so nodes
/// share the work and never both take a row), sends them through the single writer, marks unanswered doses missed,
/// and alerts the care team after consecutive misses. Reminders due while the server was down are sent late when
/// they are still useful, otherwise recorded as not sent (and the dose as missed).
/// </summary>
public sealed partial class ReminderScheduler(
    IServiceScopeFactory scopes,
    ReminderMaterializer materializer,
    MessageWriter writer,
    CareBot bot,
    Webhooks.WebhookRegistry webhooks,
    Data.IIdGenerator idGenerator,
    TimeProvider time,
    IOptions<PatientsOptions> options,
    ILogger<ReminderScheduler> logger) : BackgroundService
{
    /// <summary>Who holds a claim: unique per process, at most 64 characters.</summary>
    public string NodeId { get; } = NewNodeId();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SchedulerEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.PollInterval, time);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task<SchedulerPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var scheduled = await materializer.RunAsync(cancellationToken).ConfigureAwait(false);
        var (claimed, sent, notSent) = await DeliverDueAsync(cancellationToken).ConfigureAwait(false);
        var (missed, alerts) = await SweepMissedAsync(cancellationToken).ConfigureAwait(false);
        return new SchedulerPass(scheduled, claimed, sent, notSent, missed, alerts);
    }

    private async Task<(int Claimed, int Sent, int NotSent)> DeliverDueAsync(CancellationToken cancellationToken)
    {
        int claimed = 0, sent = 0, notSent = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            List<Guid> mine;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
                var due = await db.Reminders.AsNoTracking()
                    .Where(r => r.Status == ReminderStatuses.Scheduled && r.DeliverAt <= now && (r.ClaimedUntil == null || r.ClaimedUntil < now))
                    .OrderBy(r => r.DeliverAt).Select(r => r.Id).Take(options.Value.ClaimBatchSize)
                    .ToListAsync(cancellationToken).ConfigureAwait(false);
                if (due.Count == 0)
                {
                    break;
                }

                var until = now + options.Value.ClaimFor;
                await db.Reminders
                    .Where(r => due.Contains(r.Id) && r.Status == ReminderStatuses.Scheduled && (r.ClaimedUntil == null || r.ClaimedUntil < now))
                    .ExecuteUpdateAsync(r => r.SetProperty(x => x.ClaimedBy, NodeId).SetProperty(x => x.ClaimedUntil, until), cancellationToken)
                    .ConfigureAwait(false);
                mine = await db.Reminders.AsNoTracking().Where(r => due.Contains(r.Id) && r.ClaimedBy == NodeId && r.ClaimedUntil == until)
                    .Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            }

            if (mine.Count == 0)
            {
                break;
            }

            claimed += mine.Count;
            var botId = await bot.IdAsync(cancellationToken).ConfigureAwait(false);
            // Submitted together, so the writer commits them in a few group commits rather than one by one.
            var outcomes = await Task.WhenAll(mine.Select(id =>
                writer.SubmitAsync(new DeliverReminderCommand(id, botId, options.Value), cancellationToken))).ConfigureAwait(false);
            sent += outcomes.Count(o => o.StartsWith("sent", StringComparison.Ordinal));
            notSent += outcomes.Count(o => o.StartsWith("not sent", StringComparison.Ordinal));
            if (mine.Count < options.Value.ClaimBatchSize)
            {
                break;
            }
        }

        if (claimed > 0)
        {
            LogDelivered(claimed, sent, notSent);
        }

        return (claimed, sent, notSent);
    }

    private async Task<(int Missed, int Alerts)> SweepMissedAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var answerBy = now - options.Value.AnswerWindow;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var unanswered = await db.Reminders.AsNoTracking()
            .Where(r => r.IsDose && r.Status == ReminderStatuses.Sent && r.Outcome == null && r.DueAt < answerBy)
            .OrderBy(r => r.DueAt).Select(r => new { r.Id, r.PatientId }).Take(10_000).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = unanswered.Select(r => r.Id).ToList();
        var missed = 0;
        if (ids.Count > 0)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            missed = await db.Reminders
                .Where(r => ids.Contains(r.Id) && r.Outcome == null)
                .ExecuteUpdateAsync(r => r.SetProperty(x => x.Outcome, DoseOutcomes.Missed).SetProperty(x => x.OutcomeReason, "no answer"), cancellationToken)
                .ConfigureAwait(false);
            // Only the doses this pass marked (an answer may have arrived in between).
            var marked = await db.Reminders.Where(r => ids.Contains(r.Id) && r.Outcome == DoseOutcomes.Missed && r.OutcomeReason == "no answer")
                .Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var dose in unanswered.Where(u => marked.Contains(u.Id)))
            {
                webhooks.Enqueue(db, idGenerator, Webhooks.WebhookEvents.ReminderMissed, new { reminderId = dose.Id, patientId = dose.PatientId }, now);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Doses missed because the server was down also count; look at every patient with a fresh, unalerted miss.
        var patients = await db.Reminders.AsNoTracking()
            .Where(r => r.IsDose && r.Outcome == DoseOutcomes.Missed && !r.AlertRaised && r.DueAt > now - TimeSpan.FromDays(2))
            .Select(r => r.PatientId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        var alerts = 0;
        var threshold = options.Value.MissedDosesAlert;
        foreach (var patientId in patients)
        {
            var recent = await db.Reminders.AsNoTracking()
                .Where(r => r.PatientId == patientId && r.IsDose && r.Outcome != null)
                .OrderByDescending(r => r.DueAt).Take(threshold)
                .Select(r => new { r.Id, r.Outcome, r.AlertRaised }).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (recent.Count == threshold && recent.All(r => r.Outcome == DoseOutcomes.Missed) && !recent.Any(r => r.AlertRaised))
            {
                var botId = await bot.IdAsync(cancellationToken).ConfigureAwait(false);
                if (await writer.SubmitAsync(new MissedDosesAlertCommand(patientId, [.. recent.Select(r => r.Id)], botId), cancellationToken).ConfigureAwait(false))
                {
                    alerts++;
                }
            }
        }

        return (missed, alerts);
    }

    private static string NewNodeId()
    {
        var id = $"{Guid.NewGuid():N}/{Environment.ProcessId}/{Environment.MachineName}";
        return id.Length > 64 ? id[..64] : id;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reminders: {Claimed} claimed, {Sent} sent, {NotSent} not sent")]
    private partial void LogDelivered(int claimed, int sent, int notSent);

    [LoggerMessage(Level = LogLevel.Error, Message = "A reminder scheduler pass failed; the next pass retries")]
    private partial void LogPassFailed(Exception exception);
}
