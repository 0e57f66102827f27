using System.Globalization;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Vigil.Contracts;
using Vigil.Fhir.Timing;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;
using Vigil.Server.Problems;

namespace Vigil.Server.Reminders;

/// <summary>A patient's plans, their reminder times in a window, and adherence; every read is ledgered.</summary>
public sealed class ReminderQueries(VigilDbContext db, PatientRecords records, ReminderCalendar calendar, LedgerRecorder ledger, TimeProvider time)
{
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(93);

    public async Task<IReadOnlyList<ReminderPlanDto>> PlansAsync(Guid patientId, CancellationToken cancellationToken)
    {
        var plans = await db.ReminderPlans.AsNoTracking().Where(p => p.PatientId == patientId).OrderBy(p => p.CreatedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<ReminderPlanDto>(plans.Count);
        foreach (var plan in plans)
        {
            result.Add(await ToDtoAsync(plan, cancellationToken).ConfigureAwait(false));
        }

        return result;
    }

    public async Task<ReminderPlanDto> ToDtoAsync(ReminderPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var title = await records.TitleAsync(plan.PatientId, plan.Id, plan.Title, cancellationToken).ConfigureAwait(false);
        return new ReminderPlanDto(plan.Id, plan.Kind, plan.Source, plan.Status, title, plan.Problem,
            ReminderCalendar.TimeShifts(plan).ToDictionary(kv => ReminderCalendar.FormatClock(kv.Key), kv => ReminderCalendar.FormatClock(kv.Value)));
    }

    public async Task<PatientRemindersDto> RemindersAsync(Guid patientId, Guid readerId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var start = from ?? time.GetUtcNow();
        var end = to ?? start.AddDays(7);
        if (end <= start || end - start > MaxWindow)
        {
            throw ProblemException.Validation($"to must be after from, and the window at most {MaxWindow.TotalDays:0} days.");
        }

        var patient = await records.LoadAsync(patientId, cancellationToken).ConfigureAwait(false);
        var plans = await db.ReminderPlans.AsNoTracking().Where(p => p.PatientId == patientId).OrderBy(p => p.CreatedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var stored = await db.Reminders.AsNoTracking().Where(r => r.PatientId == patientId && r.DueAt >= start && r.DueAt < end)
            .ToDictionaryAsync(r => (r.PlanId, r.DueAt), cancellationToken).ConfigureAwait(false);
        var reminders = new List<ScheduledReminderDto>();
        var planDtos = new List<ReminderPlanDto>();
        foreach (var plan in plans)
        {
            var dto = await ToDtoAsync(plan, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<PlannedReminder> planned;
            try
            {
                planned = calendar.Occurrences(plan, patient, start, end);
            }
            catch (TimingNotSupportedException exception)
            {
                planDtos.Add(dto with { Status = ReminderPlanStatuses.Unsupported, Problem = exception.Message });
                continue;
            }

            planDtos.Add(dto);
            foreach (var occurrence in planned)
            {
                stored.TryGetValue((plan.Id, occurrence.DueUtc), out var row);
                reminders.Add(new ScheduledReminderDto(plan.Id, plan.Kind, dto.Title, occurrence.DueUtc, occurrence.DueLocal,
                    row?.DeliverAt ?? occurrence.DeliverUtc, occurrence.ShiftedByDaylightSaving, row?.Id, row?.Status, row?.Outcome));
            }
        }

        await ledger.RecordAsync(cancellationToken, new LedgerEvent(readerId, LedgerActions.PatientDataRead, $"patient/{patientId:D}", "reminders"))
            .ConfigureAwait(false);
        reminders.Sort((a, b) => a.DueUtc.CompareTo(b.DueUtc));
        return new PatientRemindersDto(patientId, patient.TimeZone, start, end, reminders, planDtos);
    }

    /// <summary>
    /// Doses over the last 7 and 30 days and a 30-day strip in the patient's calendar. The percentage is taken over
    /// doses that were due and decided (taken, skipped or missed); doses still awaiting an answer are "pending".
    /// </summary>
    public async Task<AdherenceDto> AdherenceAsync(Guid patientId, Guid readerId, CancellationToken cancellationToken)
    {
        var patient = await records.LoadAsync(patientId, cancellationToken).ConfigureAwait(false);
        var zone = ReminderCalendar.ZoneOf(patient);
        var now = time.GetUtcNow();
        var today = Instant.FromDateTimeOffset(now).InZone(zone).Date;
        var since = today.PlusDays(-29).AtStartOfDayInZone(zone).ToDateTimeOffset();
        var doses = await db.Reminders.AsNoTracking()
            .Where(r => r.PatientId == patientId && r.IsDose && r.DueAt >= since && r.DueAt <= now
                && (r.Status == ReminderStatuses.Sent || r.Outcome != null))
            .Select(r => new { r.DueAt, r.Outcome }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var byDay = doses.GroupBy(d => Instant.FromDateTimeOffset(d.DueAt).InZone(zone).Date).ToDictionary(g => g.Key, g => g.ToList());
        var days = new List<AdherenceDayDto>(30);
        for (var day = today.PlusDays(-29); day <= today; day = day.PlusDays(1))
        {
            var list = byDay.GetValueOrDefault(day) ?? [];
            days.Add(new AdherenceDayDto(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), list.Count,
                list.Count(d => d.Outcome == DoseOutcomes.Taken), list.Count(d => d.Outcome == DoseOutcomes.Skipped), list.Count(d => d.Outcome == DoseOutcomes.Missed)));
        }

        AdherenceSummaryDto Summary(int span)
        {
            var from = today.PlusDays(1 - span).AtStartOfDayInZone(zone).ToDateTimeOffset();
            var window = doses.Where(d => d.DueAt >= from).ToList();
            int taken = window.Count(d => d.Outcome == DoseOutcomes.Taken), skipped = window.Count(d => d.Outcome == DoseOutcomes.Skipped),
                missed = window.Count(d => d.Outcome == DoseOutcomes.Missed), pending = window.Count(d => d.Outcome is null);
            var decided = taken + skipped + missed;
            return new AdherenceSummaryDto(taken, skipped, missed, pending, decided == 0 ? null : Math.Round(100.0 * taken / decided, 1));
        }

        await ledger.RecordAsync(cancellationToken, new LedgerEvent(readerId, LedgerActions.PatientDataRead, $"patient/{patientId:D}", "adherence"))
            .ConfigureAwait(false);
        return new AdherenceDto(patientId, Summary(7), Summary(30), days);
    }
}
