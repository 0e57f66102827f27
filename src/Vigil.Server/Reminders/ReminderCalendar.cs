using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using NodaTime;
using NodaTime.Text;
using Vigil.Fhir.Resources;
using Vigil.Fhir.Timing;

using Vigil.Server.Patients;

namespace Vigil.Server.Reminders;

/// <summary>One reminder a plan produces: when the dose is due and when the message goes out.</summary>
public readonly record struct PlannedReminder(DateTimeOffset DueLocal, DateTimeOffset DeliverUtc, bool ShiftedByDaylightSaving)
{
    public DateTimeOffset DueUtc => DueLocal.ToUniversalTime();
}

/// <summary>
/// A plan's reminder times in a window: the expanded timing (or the appointment's lead times), with the patient's
/// shifted daily times applied, and delivery moved to the end of the patient's quiet hours.
/// </summary>
public sealed class ReminderCalendar(TimingExpander expander, IOptions<PatientsOptions> options)
{
    private const int MaxCachedTimings = 10_000;
    private static readonly LocalTimePattern ClockPattern = LocalTimePattern.CreateWithInvariantCulture("HH:mm");

    // Parsing FHIR JSON costs far more than expanding it, and prescriptions repeat a few timings over and over.
    private readonly ConcurrentDictionary<string, Hl7.Fhir.Model.Timing> _timings = new(StringComparer.Ordinal);

    public static DateTimeZone ZoneOf(PatientProfile patient)
    {
        ArgumentNullException.ThrowIfNull(patient);
        return DateTimeZoneProviders.Tzdb.GetZoneOrNull(patient.TimeZone) ?? DateTimeZone.Utc;
    }

    /// <summary>Reminders due in [<paramref name="from"/>, <paramref name="to"/>). Throws <see cref="TimingNotSupportedException"/>.</summary>
    public IReadOnlyList<PlannedReminder> Occurrences(ReminderPlan plan, PatientProfile patient, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(patient);
        if (plan.Status != ReminderPlanStatuses.Active || from >= to)
        {
            return [];
        }

        var zone = ZoneOf(patient);
        var result = new List<PlannedReminder>();
        if (plan.Kind == ReminderPlanKinds.Appointment)
        {
            foreach (var lead in options.Value.AppointmentReminderOffsets)
            {
                var due = plan.AppointmentStart!.Value - lead;
                if (due >= from && due < to)
                {
                    var local = Instant.FromDateTimeOffset(due).InZone(zone).ToDateTimeOffset();
                    result.Add(new PlannedReminder(local, Deliver(patient, zone, local), false));
                }
            }

            result.Sort((a, b) => a.DueUtc.CompareTo(b.DueUtc));
            return result;
        }

        var timing = ParseTiming(plan.TimingJson ?? throw new TimingNotSupportedException("The plan has no timing."));
        var shifts = TimeShifts(plan);
        // A shifted time can move a dose across the window's edge: expand a day either side and filter after shifting.
        var padding = shifts.Count > 0 ? TimeSpan.FromDays(1) : TimeSpan.Zero;
        foreach (var occurrence in expander.Expand(timing, zone, plan.SeriesStart, from - padding, to + padding))
        {
            var local = occurrence.Local;
            var shifted = occurrence.ShiftedByDaylightSaving;
            var clock = LocalTime.FromTimeOnly(TimeOnly.FromDateTime(local.DateTime));
            if (shifts.TryGetValue(clock, out var moved))
            {
                var zoned = LocalDate.FromDateTime(local.DateTime).At(moved).InZoneLeniently(zone);
                local = zoned.ToDateTimeOffset();
                shifted = zoned.LocalDateTime.TimeOfDay != moved;
            }

            if (local >= from && local < to)
            {
                result.Add(new PlannedReminder(local, Deliver(patient, zone, local), shifted));
            }
        }

        result.Sort((a, b) => a.DueUtc.CompareTo(b.DueUtc));
        return result;
    }

    private Hl7.Fhir.Model.Timing ParseTiming(string json)
    {
        if (_timings.TryGetValue(json, out var cached))
        {
            return cached;
        }

        if (_timings.Count >= MaxCachedTimings)
        {
            _timings.Clear();
        }

        // Cached timings are shared and never modified: the expander only reads them.
        return _timings[json] = FhirJson.ParseElement<Hl7.Fhir.Model.Timing>(json);
    }

    public static Dictionary<LocalTime, LocalTime> TimeShifts(ReminderPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (string.IsNullOrEmpty(plan.TimeShifts))
        {
            return [];
        }

        var raw = JsonSerializer.Deserialize<Dictionary<string, string>>(plan.TimeShifts) ?? [];
        return raw.ToDictionary(kv => ParseClock(kv.Key)!.Value, kv => ParseClock(kv.Value)!.Value);
    }

    public static LocalTime? ParseClock(string? value)
    {
        var parsed = ClockPattern.Parse(value ?? "");
        return parsed.Success ? parsed.Value : null;
    }

    public static string FormatClock(LocalTime time) => ClockPattern.Format(time);

    public static string FormatLocal(DateTimeOffset local) => local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>When to send a reminder due at <paramref name="due"/>: at once, or when the patient's quiet hours end.</summary>
    private static DateTimeOffset Deliver(PatientProfile patient, DateTimeZone zone, DateTimeOffset due)
    {
        if (patient.QuietHoursStart is not { } startTime || patient.QuietHoursEnd is not { } endTime || startTime == endTime)
        {
            return due.ToUniversalTime();
        }

        var start = LocalTime.FromTimeOnly(startTime);
        var end = LocalTime.FromTimeOnly(endTime);
        var local = LocalDateTime.FromDateTime(due.DateTime);
        var time = local.TimeOfDay;
        LocalDate? endDate = null;
        if (start < end)
        {
            if (time >= start && time < end)
            {
                endDate = local.Date;
            }
        }
        else if (time >= start)
        {
            // Overnight quiet hours (22:00–07:00): late evening waits for the next morning.
            endDate = local.Date.PlusDays(1);
        }
        else if (time < end)
        {
            endDate = local.Date;
        }

        return endDate is { } date ? date.At(end).InZoneLeniently(zone).ToDateTimeOffset().ToUniversalTime() : due.ToUniversalTime();
    }
}
