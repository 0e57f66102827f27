using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Fhir.Timing;
using Vigil.Server.Data;
using Vigil.Server.Patients;

namespace Vigil.Server.Reminders;

/// <summary>
/// Creates reminder rows ahead of time (the horizon, 36 hours by default) from each active plan, so that the due work
/// is in the database where any node can claim it. A plan's watermark is advanced with a compare-and-set, so two nodes
/// never create the same rows.
/// </summary>
public sealed partial class ReminderMaterializer(
    IServiceScopeFactory scopes,
    ReminderCalendar calendar,
    IIdGenerator ids,
    TimeProvider time,
    IOptions<PatientsOptions> options,
    ILogger<ReminderMaterializer> logger)
{
    private const int PlansPerTransaction = 500;

    /// <summary>Returns how many reminders were created.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var horizon = now + options.Value.Horizon;
        // Refill once half the horizon is used, so each plan is touched a few times a day, not every poll.
        var refillBefore = now + (options.Value.Horizon / 2);
        var created = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var plans = await db.ReminderPlans.AsNoTracking()
                .Where(p => p.Status == ReminderPlanStatuses.Active && p.MaterializedUntil < refillBefore)
                .OrderBy(p => p.Id).Take(PlansPerTransaction).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (plans.Count == 0)
            {
                // Every plan handled leaves the filter (its watermark moves to the horizon), so this ends.
                break;
            }

            var patientIds = plans.Select(p => p.PatientId).Distinct().ToList();
            var patients = await db.PatientProfiles.AsNoTracking().Where(p => patientIds.Contains(p.Id))
                .ToDictionaryAsync(p => p.Id, cancellationToken).ConfigureAwait(false);
            var rows = new List<Reminder>();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var plan in plans)
            {
                var from = plan.MaterializedUntil;
                var claimed = await db.ReminderPlans.Where(p => p.Id == plan.Id && p.MaterializedUntil == from)
                    .ExecuteUpdateAsync(p => p.SetProperty(x => x.MaterializedUntil, horizon), cancellationToken).ConfigureAwait(false);
                if (claimed == 0)
                {
                    continue;
                }

                IReadOnlyList<PlannedReminder> planned;
                try
                {
                    planned = calendar.Occurrences(plan, patients[plan.PatientId], from, horizon);
                }
                catch (TimingNotSupportedException exception)
                {
                    await db.ReminderPlans.Where(p => p.Id == plan.Id).ExecuteUpdateAsync(p => p
                        .SetProperty(x => x.Status, ReminderPlanStatuses.Unsupported)
                        .SetProperty(x => x.Problem, exception.Message), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Two shifted times can land on the same minute: one reminder for that minute.
                foreach (var occurrence in planned.DistinctBy(o => o.DueUtc))
                {
                    rows.Add(new Reminder
                    {
                        Id = ids.NewId(),
                        PlanId = plan.Id,
                        PatientId = plan.PatientId,
                        IsDose = plan.Kind == ReminderPlanKinds.Medication,
                        DueAt = occurrence.DueUtc,
                        DeliverAt = occurrence.DeliverUtc,
                        LocalTime = ReminderCalendar.FormatLocal(occurrence.DueLocal),
                        Status = ReminderStatuses.Scheduled,
                    });
                }
            }

            await DirectInsert.InsertAsync(db, rows, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            created += rows.Count;
        }

        if (created > 0)
        {
            LogMaterialized(created, horizon);
        }

        return created;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduled {Count} reminders up to {Horizon:O}")]
    private partial void LogMaterialized(int count, DateTimeOffset horizon);
}
