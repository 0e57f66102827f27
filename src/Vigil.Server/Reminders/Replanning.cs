using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Reminders;

/// <summary>
/// After a plan or the patient's preferences change, reminders not yet sent from now on are dropped and the plan is
/// expanded again from now by the scheduler. Sent reminders and dose answers are history and stay.
/// </summary>
internal static class Replanning
{
    public static async Task ReplanAsync(VigilDbContext db, IReadOnlyCollection<Guid> planIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (planIds.Count == 0)
        {
            return;
        }

        await db.Reminders.Where(r => planIds.Contains(r.PlanId) && r.Status == ReminderStatuses.Scheduled && r.DueAt >= now)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
        await db.ReminderPlans.Where(p => planIds.Contains(p.Id))
            .ExecuteUpdateAsync(p => p.SetProperty(x => x.MaterializedUntil, now), cancellationToken).ConfigureAwait(false);
        foreach (var tracked in db.ReminderPlans.Local.Where(p => planIds.Contains(p.Id)))
        {
            tracked.MaterializedUntil = now;
        }
    }
}
