using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Reminders;

namespace Vigil.Server.Patients;

/// <summary>
/// What the patient (or their clinician) can adjust: time zone, quiet hours, and moving a daily dose time. Each
/// change is ledgered and re-plans the reminders not yet sent.
/// </summary>
public sealed class PatientPreferences(VigilDbContext db, LedgerAppender ledger, TimeProvider time)
{
    public async Task SetAsync(Guid patientId, Guid actorId, PatientPreferencesRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw ProblemException.Validation("Give timeZone and/or quietHoursStart and quietHoursEnd.");
        }

        if (request.TimeZone is not null && !PatientTimeZones.IsKnown(request.TimeZone))
        {
            throw ProblemException.Validation($"timeZone '{request.TimeZone}' is not an IANA time zone (e.g. Europe/Berlin).");
        }

        var (start, end) = QuietHours(request);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var profile = await db.PatientProfiles.SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The patient");
        var changes = new List<string>();
        if (request.TimeZone is not null && request.TimeZone != profile.TimeZone)
        {
            changes.Add($"time zone {profile.TimeZone} → {request.TimeZone}");
            profile.TimeZone = request.TimeZone;
        }

        if (request.QuietHoursStart is not null && (start != profile.QuietHoursStart || end != profile.QuietHoursEnd))
        {
            changes.Add(start is null ? "quiet hours cleared" : $"quiet hours {start:HH\\:mm}–{end:HH\\:mm}");
            profile.QuietHoursStart = start;
            profile.QuietHoursEnd = end;
        }

        if (changes.Count == 0)
        {
            return;
        }

        profile.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var plans = await db.ReminderPlans.Where(p => p.PatientId == patientId).Select(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        await Replanning.ReplanAsync(db, plans, now, cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.PatientPreferencesChanged, $"patient/{patientId:D}", string.Join("; ", changes))],
            now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Moves the plan's daily dose at <c>from</c> to <c>to</c> (a null or empty <c>to</c> removes the move).</summary>
    public async Task<ReminderPlan> ShiftAsync(Guid patientId, Guid planId, Guid actorId, TimeShiftRequest? request, CancellationToken cancellationToken)
    {
        var from = ReminderCalendar.ParseClock(request?.From)
            ?? throw ProblemException.Validation("from must be a time of day as HH:mm (the dose time to move).");
        var to = string.IsNullOrEmpty(request!.To) ? (NodaTime.LocalTime?)null
            : ReminderCalendar.ParseClock(request.To) ?? throw ProblemException.Validation("to must be a time of day as HH:mm.");
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var plan = await db.ReminderPlans.SingleOrDefaultAsync(p => p.Id == planId && p.PatientId == patientId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The plan");
        if (plan.Kind != ReminderPlanKinds.Medication)
        {
            throw ProblemException.Validation("Only medication dose times can be moved.");
        }

        var shifts = ReminderCalendar.TimeShifts(plan);
        if (to is { } target)
        {
            var minutes = Math.Abs(target.TickOfDay - from.TickOfDay) / TimeSpan.TicksPerMinute;
            if (Math.Min(minutes, 1440 - minutes) > 6 * 60)
            {
                // A bigger move changes the dosing interval; that is the prescriber's decision, not a preference.
                throw ProblemException.Validation("A dose time can move by at most 6 hours; ask the prescriber for a bigger change.");
            }

            shifts[from] = target;
        }
        else
        {
            shifts.Remove(from);
        }

        plan.TimeShifts = shifts.Count == 0 ? null : JsonSerializer.Serialize(shifts.ToDictionary(
            kv => ReminderCalendar.FormatClock(kv.Key), kv => ReminderCalendar.FormatClock(kv.Value)));
        plan.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await Replanning.ReplanAsync(db, [plan.Id], now, cancellationToken).ConfigureAwait(false);
        var change = to is null ? $"plan {plan.Id:D}: {ReminderCalendar.FormatClock(from)} restored"
            : $"plan {plan.Id:D}: {ReminderCalendar.FormatClock(from)} → {ReminderCalendar.FormatClock(to.Value)}";
        await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.PatientPreferencesChanged, $"patient/{patientId:D}", change)],
            now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return plan;
    }

    private static (TimeOnly? Start, TimeOnly? End) QuietHours(PatientPreferencesRequest request)
    {
        if (request.QuietHoursStart is null && request.QuietHoursEnd is null)
        {
            return (null, null);
        }

        if (request.QuietHoursStart == "" && request.QuietHoursEnd is null or "")
        {
            return (null, null);
        }

        if (TimeOnly.TryParseExact(request.QuietHoursStart, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            && TimeOnly.TryParseExact(request.QuietHoursEnd, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            && start != end)
        {
            return (start, end);
        }

        throw ProblemException.Validation("quietHoursStart and quietHoursEnd must both be different times as HH:mm (e.g. 22:00 and 07:00).");
    }
}
