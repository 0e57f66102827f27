using System.Globalization;
using Hl7.Fhir.Model;
using NodaTime;
using static Hl7.Fhir.Model.Timing;
using Duration = NodaTime.Duration;
using FhirDuration = Hl7.Fhir.Model.Duration;

namespace Vigil.Fhir.Timing;

internal enum RuleKind
{
    /// <summary>Only the listed <c>event</c> date-times.</summary>
    Events,

    /// <summary>A single dose at the start of the series (<c>count</c> 1 and nothing else).</summary>
    Once,

    /// <summary>Every so many hours, minutes or seconds of elapsed time, whatever the wall clock does.</summary>
    Elapsed,

    /// <summary>On calendar days, weeks, months or years at wall-clock times in the patient's zone.</summary>
    Calendar,
}

internal enum CalendarUnit
{
    Day,
    Week,
    Month,
    Year,
}

/// <summary>
/// A FHIR R4 <c>Timing</c> checked and normalised into what the expander needs. Every element the expander cannot
/// honour exactly raises <see cref="TimingNotSupportedException"/> here, before any time is produced.
/// </summary>
internal sealed record TimingRule
{
    public RuleKind Kind { get; init; }

    public IReadOnlyList<string> Events { get; init; } = [];

    public Duration Interval { get; init; }

    public CalendarUnit Unit { get; init; }

    /// <summary>Every how many calendar units (every 2 days, every 3 weeks …).</summary>
    public int Every { get; init; } = 1;

    /// <summary>For weeks without <c>dayOfWeek</c>: how many days of each week carry doses.</summary>
    public int DaysPerWeek { get; init; } = 1;

    public IReadOnlyList<LocalTime> Times { get; init; } = [];

    public IReadOnlySet<IsoDayOfWeek>? Days { get; init; }

    public int? Count { get; init; }

    public string? BoundsStart { get; init; }

    public string? BoundsEnd { get; init; }

    public FhirDuration? BoundsDuration { get; init; }

    public static TimingRule Parse(Hl7.Fhir.Model.Timing timing, DoseClock clock)
    {
        ArgumentNullException.ThrowIfNull(timing);
        var events = timing.EventElement.Select(e => e.Value).OfType<string>().Where(v => v.Length > 0).ToList();
        var repeat = timing.Repeat ?? (timing.Code is { } code ? FromCode(code) : null);
        if (repeat is null)
        {
            return events.Count > 0
                ? new TimingRule { Kind = RuleKind.Events, Events = events }
                : throw new TimingNotSupportedException("The timing has no event, repeat or code: there is no time to remind.");
        }

        var rule = new TimingRule { Events = events };
        rule = WithBounds(rule, repeat);
        if (repeat.CountMax is not null && repeat.Count is null)
        {
            throw new TimingNotSupportedException("countMax without count: the number of doses is unknown.");
        }

        rule = rule with { Count = repeat.Count };
        if (repeat.Count is <= 0)
        {
            throw new TimingNotSupportedException("count must be positive.");
        }

        if (repeat.TimeOfDay.Any() && repeat.When.Any())
        {
            throw new TimingNotSupportedException("timeOfDay and when together are not allowed (FHIR R4 tim-10).");
        }

        if (repeat.Offset is not null && !repeat.When.Any())
        {
            throw new TimingNotSupportedException("offset is only meaningful with when.");
        }

        if (repeat.Period is not null && repeat.PeriodUnit is null)
        {
            throw new TimingNotSupportedException("period without periodUnit (FHIR R4 tim-2).");
        }

        var days = DaysOf(repeat);
        if (repeat.Period is null)
        {
            if (repeat.Frequency is not null)
            {
                throw new TimingNotSupportedException("frequency without period: how often is unknown.");
            }

            if (repeat.TimeOfDay.Any() || repeat.When.Any() || days is not null)
            {
                // Times of day (or weekdays) alone repeat every day.
                return rule with { Kind = RuleKind.Calendar, Unit = CalendarUnit.Day, Times = TimesOf(repeat, clock, dosesPerDay: null), Days = days };
            }

            if (repeat.Count == 1)
            {
                return rule with { Kind = RuleKind.Once };
            }

            throw new TimingNotSupportedException(repeat.Duration is not null
                ? "The timing gives only a duration (how long each administration lasts), not when to take a dose."
                : "The timing has no frequency, period, time of day or single count: there is no time to remind.");
        }

        // A range is honoured by its end that gives the fewest reminders: every schedule produced is one the
        // prescription allows ("every 4 to 6 hours" reminds every 6 hours; "2 to 3 times a day" twice).
        var frequency = repeat.Frequency ?? 1;
        if (frequency <= 0)
        {
            throw new TimingNotSupportedException("frequency must be positive.");
        }

        var period = repeat.PeriodMax ?? repeat.Period.Value;
        if (period <= 0)
        {
            throw new TimingNotSupportedException("period must be positive.");
        }

        var unit = repeat.PeriodUnit!.Value;
        var elapsed = ElapsedLength(period, unit);
        if (elapsed is { } length && length < Duration.FromDays(1))
        {
            if (repeat.TimeOfDay.Any() || repeat.When.Any() || days is not null)
            {
                throw new TimingNotSupportedException("An interval shorter than a day cannot also name times of day or weekdays.");
            }

            return rule with { Kind = RuleKind.Elapsed, Interval = length / frequency };
        }

        if (unit is UnitsOfTime.S or UnitsOfTime.Min or UnitsOfTime.H)
        {
            // "Every 24 hours" and longer elapsed intervals are pharmacological: they follow elapsed time, not the
            // wall clock, so they drift by an hour across a daylight-saving change, as the prescription intends.
            if (repeat.TimeOfDay.Any() || repeat.When.Any() || days is not null)
            {
                throw new TimingNotSupportedException("An interval given in hours cannot also name times of day or weekdays.");
            }

            return rule with { Kind = RuleKind.Elapsed, Interval = elapsed!.Value / frequency };
        }

        if (period != decimal.Truncate(period))
        {
            throw new TimingNotSupportedException($"A period of {period.ToString(CultureInfo.InvariantCulture)} {unit} is not a whole number of calendar units.");
        }

        var every = (int)period;
        return unit switch
        {
            UnitsOfTime.D => Daily(rule, repeat, clock, frequency, every, days),
            UnitsOfTime.Wk => Weekly(rule, repeat, clock, frequency, every, days),
            UnitsOfTime.Mo or UnitsOfTime.A => MonthlyOrYearly(rule, repeat, clock, frequency, every, days, unit),
            _ => throw new TimingNotSupportedException($"periodUnit {unit} is not supported."),
        };
    }

    private static TimingRule Daily(TimingRule rule, RepeatComponent repeat, DoseClock clock, int frequency, int every, IReadOnlySet<IsoDayOfWeek>? days)
    {
        if (every > 1 && frequency > 1 && !repeat.TimeOfDay.Any() && !repeat.When.Any())
        {
            throw new TimingNotSupportedException($"{frequency} doses every {every} days names no day or time for each dose.");
        }

        return rule with
        {
            Kind = RuleKind.Calendar,
            Unit = CalendarUnit.Day,
            Every = every,
            Days = days,
            Times = TimesOf(repeat, clock, repeat.Frequency is null ? null : frequency),
        };
    }

    private static TimingRule Weekly(TimingRule rule, RepeatComponent repeat, DoseClock clock, int frequency, int every, IReadOnlySet<IsoDayOfWeek>? days)
    {
        var times = repeat.TimeOfDay.Any() || repeat.When.Any() ? TimesOf(repeat, clock, dosesPerDay: null) : [clock.FirstDose];
        if (frequency % times.Count != 0)
        {
            throw new TimingNotSupportedException($"{frequency} doses a week do not divide into {times.Count} times a day.");
        }

        var daysPerWeek = frequency / times.Count;
        if (days is not null && days.Count != daysPerWeek)
        {
            throw new TimingNotSupportedException($"{frequency} doses a week but {days.Count} weekdays × {times.Count} times a day are named.");
        }

        if (daysPerWeek > 7)
        {
            throw new TimingNotSupportedException($"{frequency} doses a week need more than one time a day; name them with timeOfDay or when.");
        }

        return rule with { Kind = RuleKind.Calendar, Unit = CalendarUnit.Week, Every = every, Days = days, DaysPerWeek = daysPerWeek, Times = times };
    }

    private static TimingRule MonthlyOrYearly(TimingRule rule, RepeatComponent repeat, DoseClock clock, int frequency, int every, IReadOnlySet<IsoDayOfWeek>? days, UnitsOfTime unit)
    {
        var times = repeat.TimeOfDay.Any() || repeat.When.Any() ? TimesOf(repeat, clock, dosesPerDay: null) : [clock.FirstDose];
        if (days is not null || frequency != times.Count)
        {
            throw new TimingNotSupportedException($"{frequency} doses per {(unit == UnitsOfTime.Mo ? "month" : "year")} name no day for each dose; only once on the start's day is supported.");
        }

        return rule with { Kind = RuleKind.Calendar, Unit = unit == UnitsOfTime.Mo ? CalendarUnit.Month : CalendarUnit.Year, Every = every, Times = times };
    }

    private static TimingRule WithBounds(TimingRule rule, RepeatComponent repeat) => repeat.Bounds switch
    {
        null => rule,
        Hl7.Fhir.Model.Period period => rule with { BoundsStart = period.Start, BoundsEnd = period.End },
        FhirDuration duration => rule with { BoundsDuration = duration },
        _ => throw new TimingNotSupportedException($"bounds{repeat.Bounds.TypeName} cannot be anchored to calendar dates; use boundsPeriod or boundsDuration."),
    };

    private static IReadOnlySet<IsoDayOfWeek>? DaysOf(RepeatComponent repeat)
    {
        var days = repeat.DayOfWeek.Where(d => d is not null).Select(d => d!.Value switch
        {
            DaysOfWeek.Mon => IsoDayOfWeek.Monday,
            DaysOfWeek.Tue => IsoDayOfWeek.Tuesday,
            DaysOfWeek.Wed => IsoDayOfWeek.Wednesday,
            DaysOfWeek.Thu => IsoDayOfWeek.Thursday,
            DaysOfWeek.Fri => IsoDayOfWeek.Friday,
            DaysOfWeek.Sat => IsoDayOfWeek.Saturday,
            _ => IsoDayOfWeek.Sunday,
        }).ToHashSet();
        return days.Count == 0 ? null : days;
    }

    /// <summary>The wall-clock times of each dosing day: timeOfDay, when (+offset), or the default slots.</summary>
    private static List<LocalTime> TimesOf(RepeatComponent repeat, DoseClock clock, int? dosesPerDay)
    {
        List<LocalTime> times;
        if (repeat.TimeOfDay.Any())
        {
            times = [.. repeat.TimeOfDayElement.Select(t => ParseTime(t.Value))];
        }
        else if (repeat.When.Any())
        {
            var codes = repeat.When.Where(w => w is not null).Select(w => w!.Value).ToList();
            times = [];
            foreach (var code in codes)
            {
                if (code is EventTiming.C or EventTiming.AC or EventTiming.PC)
                {
                    // "With meals" names no meal: the doses a day say which meals (3 → all, 2 → breakfast and dinner).
                    var meals = (codes.Count == 1 ? dosesPerDay : null) switch
                    {
                        null or 3 => "MDV",
                        2 => "MV",
                        1 => throw new TimingNotSupportedException($"when={code} once a day does not say which meal."),
                        var n => throw new TimingNotSupportedException($"when={code} {n} times a day: there are only three meals."),
                    };
                    times.AddRange(meals.Select(meal => clock.TimeOf(code, meal, repeat.Offset)));
                }
                else
                {
                    times.Add(clock.TimeOf(code, null, repeat.Offset));
                }
            }

            if (codes.Count == 1 && codes[0] is EventTiming.C or EventTiming.AC or EventTiming.PC)
            {
                dosesPerDay = null;
            }
        }
        else
        {
            return [.. clock.DailySlots(dosesPerDay ?? 1)];
        }

        times = [.. times.Distinct().Order()];
        if (dosesPerDay is { } expected && expected != times.Count)
        {
            throw new TimingNotSupportedException($"frequency {expected} a day but {times.Count} distinct times of day are named.");
        }

        return times;
    }

    private static LocalTime ParseTime(string? value)
    {
        var parsed = NodaTime.Text.LocalTimePattern.ExtendedIso.Parse(value ?? "");
        return parsed.Success ? parsed.Value : throw new TimingNotSupportedException($"timeOfDay '{value}' is not a time (hh:mm:ss).");
    }

    private static Duration? ElapsedLength(decimal period, UnitsOfTime unit) => unit switch
    {
        UnitsOfTime.S => Duration.FromSeconds((double)period),
        UnitsOfTime.Min => Duration.FromMinutes((double)period),
        UnitsOfTime.H => Duration.FromHours((double)period),
        // Fractions of a day ("every 0.5 d") are elapsed intervals too; whole days are calendar days.
        UnitsOfTime.D when period < 1 => Duration.FromHours((double)(period * 24)),
        _ => null,
    };

    /// <summary>The HL7 timing abbreviations (FHIR R4 value set timing-abbreviation) as the repeat they stand for.</summary>
    private static RepeatComponent FromCode(CodeableConcept code)
    {
        var abbreviation = code.Coding.Select(c => c.Code).FirstOrDefault(c => !string.IsNullOrEmpty(c)) ?? code.Text;
        static RepeatComponent Every(int frequency, decimal period, UnitsOfTime unit) => new() { Frequency = frequency, Period = period, PeriodUnit = unit };
        return abbreviation?.ToUpperInvariant() switch
        {
            "QD" => Every(1, 1, UnitsOfTime.D),
            "BID" => Every(2, 1, UnitsOfTime.D),
            "TID" => Every(3, 1, UnitsOfTime.D),
            "QID" => Every(4, 1, UnitsOfTime.D),
            "QOD" => Every(1, 2, UnitsOfTime.D),
            "AM" => new RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = UnitsOfTime.D, When = [EventTiming.MORN] },
            "PM" => new RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = UnitsOfTime.D, When = [EventTiming.AFT] },
            "BED" => new RepeatComponent { Frequency = 1, Period = 1, PeriodUnit = UnitsOfTime.D, When = [EventTiming.HS] },
            "Q1H" => Every(1, 1, UnitsOfTime.H),
            "Q2H" => Every(1, 2, UnitsOfTime.H),
            "Q3H" => Every(1, 3, UnitsOfTime.H),
            "Q4H" => Every(1, 4, UnitsOfTime.H),
            "Q6H" => Every(1, 6, UnitsOfTime.H),
            "Q8H" => Every(1, 8, UnitsOfTime.H),
            "WK" => Every(1, 1, UnitsOfTime.Wk),
            "MO" => Every(1, 1, UnitsOfTime.Mo),
            _ => throw new TimingNotSupportedException($"Timing.code '{abbreviation}' is not a known timing abbreviation."),
        };
    }
}
