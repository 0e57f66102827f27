using NodaTime;
using NodaTime.TimeZones;
using Duration = NodaTime.Duration;

namespace Vigil.Fhir.Timing;

/// <summary>
/// Expands a FHIR R4 <c>Timing</c> (a <c>Dosage.timing</c>) into the instants a dose is due, in the patient's zone.
/// Calendar schedules (daily, weekly …) keep their wall-clock time across daylight-saving changes; a time that does
/// not exist on a spring-forward day moves forward by the gap, and a time that happens twice on a fall-back day is
/// taken once, at its first occurrence. Elapsed schedules ("every 8 hours") follow elapsed time.
/// </summary>
public sealed class TimingExpander(DoseClock? clock = null)
{
    /// <summary>The most occurrences one call returns, so a wide window over a frequent timing cannot exhaust memory.</summary>
    public const int DefaultLimit = 10_000;

    private static readonly ZoneLocalMappingResolver Resolver = Resolvers.CreateMappingResolver(
        Resolvers.ReturnEarlier, Resolvers.ReturnForwardShifted);

    private readonly DoseClock _clock = clock ?? DoseClock.Default;

    public DoseClock Clock => _clock;

    /// <summary>Throws <see cref="TimingNotSupportedException"/> if the timing cannot be honoured exactly.</summary>
    public void Validate(Hl7.Fhir.Model.Timing timing) => TimingRule.Parse(timing, _clock);

    /// <summary>
    /// The occurrences in [<paramref name="from"/>, <paramref name="to"/>). <paramref name="seriesStart"/> starts the
    /// series when the timing has neither bounds nor events (for a MedicationRequest: when it was authored);
    /// counts (<c>repeat.count</c>) are counted from the series start, not from the window.
    /// </summary>
    public IReadOnlyList<TimingOccurrence> Expand(
        Hl7.Fhir.Model.Timing timing, DateTimeZone zone, DateTimeOffset seriesStart, DateTimeOffset from, DateTimeOffset to,
        int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var rule = TimingRule.Parse(timing, _clock);
        var window = new Window(Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to), limit);
        if (window.From >= window.To)
        {
            return [];
        }

        var (start, startDate) = SeriesStart(rule, zone, Instant.FromDateTimeOffset(seriesStart));
        var end = SeriesEnd(rule, zone, start);
        var upper = end is { } e && e < window.To ? e : window.To;
        var output = new List<TimingOccurrence>();
        switch (rule.Kind)
        {
            case RuleKind.Events:
                foreach (var value in rule.Events)
                {
                    var (instant, date) = FhirDateTime.Start(value, zone);
                    var occurrence = date is { } day ? At(day, _clock.FirstDose, zone) : Occurrence(instant, zone, false);
                    if (occurrence.Instant >= window.From && occurrence.Instant < upper)
                    {
                        output.Add(occurrence.Value);
                    }
                }

                output.Sort((a, b) => a.Local.CompareTo(b.Local));
                return output.Count > limit ? output[..limit] : output;

            case RuleKind.Once:
                {
                    var once = startDate is { } day ? At(day, _clock.FirstDose, zone) : Occurrence(start, zone, false);
                    if (once.Instant >= window.From && once.Instant < upper)
                    {
                        output.Add(once.Value);
                    }

                    return output;
                }

            case RuleKind.Elapsed:
                ExpandElapsed(rule, zone, startDate is { } first ? At(first, _clock.FirstDose, zone).Instant : start, window, upper, output);
                return output;

            default:
                ExpandCalendar(rule, zone, start, startDate ?? start.InZone(zone).Date, window, upper, output);
                return output;
        }
    }

    private static void ExpandElapsed(TimingRule rule, DateTimeZone zone, Instant anchor, Window window, Instant upper, List<TimingOccurrence> output)
    {
        var step = rule.Interval;
        if (step <= Duration.Zero)
        {
            throw new TimingNotSupportedException("The interval between doses is zero.");
        }

        // Jump straight to the window: no need to walk years of doses to reach it.
        long k = 0;
        if (window.From > anchor)
        {
            k = (long)Math.Ceiling((window.From - anchor).TotalTicks / step.TotalTicks);
        }

        for (; output.Count < window.Limit && (rule.Count is not { } count || k < count); k++)
        {
            var instant = anchor + (step * k);
            if (instant >= upper)
            {
                break;
            }

            output.Add(Occurrence(instant, zone, false).Value);
        }
    }

    private void ExpandCalendar(TimingRule rule, DateTimeZone zone, Instant start, LocalDate startDate, Window window, Instant upper, List<TimingOccurrence> output)
    {
        var weekDays = rule.Unit == CalendarUnit.Week ? WeekDays(rule, startDate) : null;
        var counted = 0;
        // Without a count, doses before the window need not be walked; one day of slack covers every UTC offset.
        var day = rule.Count is null ? Later(startDate, window.From.InZone(zone).Date.PlusDays(-1)) : startDate;
        var lastDay = upper.InZone(zone).Date.PlusDays(1);
        for (; day <= lastDay && output.Count < window.Limit; day = day.PlusDays(1))
        {
            if (!IsDosingDay(rule, startDate, day, weekDays))
            {
                continue;
            }

            foreach (var time in rule.Times)
            {
                var occurrence = At(day, time, zone);
                if (occurrence.Instant < start)
                {
                    continue;
                }

                if (occurrence.Instant >= upper || (rule.Count is { } count && counted >= count))
                {
                    return;
                }

                counted++;
                if (occurrence.Instant >= window.From)
                {
                    output.Add(occurrence.Value);
                }
            }
        }
    }

    private static bool IsDosingDay(TimingRule rule, LocalDate startDate, LocalDate day, IReadOnlySet<IsoDayOfWeek>? weekDays)
    {
        var days = Period.Between(startDate, day, PeriodUnits.Days).Days;
        switch (rule.Unit)
        {
            case CalendarUnit.Day:
                return days % rule.Every == 0 && (rule.Days is null || rule.Days.Contains(day.DayOfWeek));
            case CalendarUnit.Week:
                return days / 7 % rule.Every == 0 && weekDays!.Contains(day.DayOfWeek);
            case CalendarUnit.Month:
                {
                    var months = Period.Between(startDate, day, PeriodUnits.Months).Months;
                    return months % rule.Every == 0 && day == startDate.PlusMonths(months);
                }

            default:
                {
                    var years = Period.Between(startDate, day, PeriodUnits.Years).Years;
                    return years % rule.Every == 0 && day == startDate.PlusYears(years);
                }
        }
    }

    /// <summary>The weekdays of a weekly schedule: those named, or N days spread evenly from the start's weekday.</summary>
    private static IReadOnlySet<IsoDayOfWeek> WeekDays(TimingRule rule, LocalDate startDate) =>
        rule.Days ?? Enumerable.Range(0, rule.DaysPerWeek).Select(i => startDate.PlusDays(i * 7 / rule.DaysPerWeek).DayOfWeek).ToHashSet();

    private static (Instant Start, LocalDate? Date) SeriesStart(TimingRule rule, DateTimeZone zone, Instant fallback)
    {
        if (rule.BoundsStart is { } boundsStart)
        {
            return FhirDateTime.Start(boundsStart, zone);
        }

        if (rule.Events.Count > 0)
        {
            return rule.Events.Select(e => FhirDateTime.Start(e, zone)).MinBy(s => s.Instant);
        }

        return (fallback, null);
    }

    private static Instant? SeriesEnd(TimingRule rule, DateTimeZone zone, Instant start)
    {
        if (rule.BoundsEnd is { } end)
        {
            return FhirDateTime.End(end, zone);
        }

        if (rule.BoundsDuration is not { Value: { } value } duration)
        {
            return null;
        }

        var local = start.InZone(zone).LocalDateTime;
        var amount = (double)value;
        var code = duration.Code ?? duration.Unit;
        return code switch
        {
            "s" => start + Duration.FromSeconds(amount),
            "min" => start + Duration.FromMinutes(amount),
            "h" => start + Duration.FromHours(amount),
            "d" when value == decimal.Truncate(value) => local.PlusDays((int)value).InZone(zone, Resolver).ToInstant(),
            "wk" when value == decimal.Truncate(value) => local.PlusWeeks((int)value).InZone(zone, Resolver).ToInstant(),
            "mo" when value == decimal.Truncate(value) => local.PlusMonths((int)value).InZone(zone, Resolver).ToInstant(),
            "a" when value == decimal.Truncate(value) => local.PlusYears((int)value).InZone(zone, Resolver).ToInstant(),
            _ => throw new TimingNotSupportedException($"boundsDuration {value} '{code}' is not a whole number of s, min, h, d, wk, mo or a."),
        };
    }

    private static (Instant Instant, TimingOccurrence Value) At(LocalDate day, LocalTime time, DateTimeZone zone)
    {
        var local = day + time;
        var zoned = local.InZone(zone, Resolver);
        return Occurrence(zoned.ToInstant(), zone, zoned.LocalDateTime != local);
    }

    private static (Instant Instant, TimingOccurrence Value) Occurrence(Instant instant, DateTimeZone zone, bool shifted) =>
        (instant, new TimingOccurrence(instant.InZone(zone).ToDateTimeOffset(), shifted));

    private static LocalDate Later(LocalDate a, LocalDate b) => a > b ? a : b;

    private readonly record struct Window(Instant From, Instant To, int Limit);
}
