using NodaTime;
using static Hl7.Fhir.Model.Timing;

namespace Vigil.Fhir.Timing;

/// <summary>
/// The patient-day clock that turns FHIR's relative times into wall-clock times: the <c>when</c> codes (morning,
/// meals, bedtime …) and the default times for "N times a day" when the prescription names none. Configurable per
/// organisation (and per patient through shifted times on the server).
/// </summary>
public sealed class DoseClock
{
    public static DoseClock Default { get; } = new();

    public LocalTime Breakfast { get; init; } = new(8, 0);

    public LocalTime Lunch { get; init; } = new(12, 30);

    public LocalTime Dinner { get; init; } = new(18, 30);

    /// <summary>How long before a meal an "AC" (before meal) dose is due when the timing gives no offset.</summary>
    public Duration BeforeMealLead { get; init; } = Duration.FromMinutes(30);

    /// <summary>How long after a meal a "PC" (after meal) dose is due when the timing gives no offset.</summary>
    public Duration AfterMealLag { get; init; } = Duration.FromMinutes(30);

    /// <summary>Clock times of the day-part codes; meal codes derive from the meal times.</summary>
    public IReadOnlyDictionary<EventTiming, LocalTime> DayParts { get; init; } = new Dictionary<EventTiming, LocalTime>
    {
        [EventTiming.WAKE] = new(7, 0),
        [EventTiming.MORN] = new(8, 0),
        [EventTiming.MORN_early] = new(7, 0),
        [EventTiming.MORN_late] = new(10, 0),
        [EventTiming.NOON] = new(12, 0),
        [EventTiming.AFT] = new(14, 0),
        [EventTiming.AFT_early] = new(13, 0),
        [EventTiming.AFT_late] = new(16, 0),
        [EventTiming.EVE] = new(18, 0),
        [EventTiming.EVE_early] = new(17, 0),
        [EventTiming.EVE_late] = new(20, 0),
        [EventTiming.NIGHT] = new(21, 0),
        [EventTiming.HS] = new(22, 0),
        [EventTiming.PHS] = new(23, 0),
    };

    /// <summary>First and last default dose time of the day; N doses a day are spread evenly between them.</summary>
    public LocalTime FirstDose { get; init; } = new(8, 0);

    public LocalTime LastDose { get; init; } = new(20, 0);

    /// <summary>The default times for <paramref name="dosesPerDay"/> doses a day: 08:00; 08:00 and 20:00; 08:00, 14:00 and 20:00 …</summary>
    public IReadOnlyList<LocalTime> DailySlots(int dosesPerDay)
    {
        if (dosesPerDay == 1)
        {
            return [FirstDose];
        }

        var span = Period.Between(FirstDose, LastDose, PeriodUnits.Minutes).Minutes;
        var step = span / (dosesPerDay - 1);
        return [.. Enumerable.Range(0, dosesPerDay).Select(i => FirstDose.PlusMinutes(i * step))];
    }

    /// <summary>The meal a meal-relative code refers to, or null for the generic "a meal" codes (C, AC, PC).</summary>
    internal static char? MealOf(EventTiming when) => when switch
    {
        EventTiming.CM or EventTiming.ACM or EventTiming.PCM => 'M',
        EventTiming.CD or EventTiming.ACD or EventTiming.PCD => 'D',
        EventTiming.CV or EventTiming.ACV or EventTiming.PCV => 'V',
        _ => null,
    };

    internal static bool IsMealRelative(EventTiming when) => when is EventTiming.C or EventTiming.AC or EventTiming.PC
        or EventTiming.CM or EventTiming.CD or EventTiming.CV or EventTiming.ACM or EventTiming.ACD or EventTiming.ACV
        or EventTiming.PCM or EventTiming.PCD or EventTiming.PCV;

    internal static bool IsBefore(EventTiming when) => when is EventTiming.AC or EventTiming.ACM or EventTiming.ACD or EventTiming.ACV;

    internal static bool IsAfter(EventTiming when) => when is EventTiming.PC or EventTiming.PCM or EventTiming.PCD or EventTiming.PCV;

    internal LocalTime Meal(char meal) => meal switch
    {
        'M' => Breakfast,
        'D' => Lunch,
        _ => Dinner,
    };

    /// <summary>
    /// The clock time of <paramref name="when"/> for a given meal, with FHIR's <c>offset</c> (minutes): before the event
    /// for AC codes, after it otherwise (FHIR R4 Timing.repeat.offset).
    /// </summary>
    internal LocalTime TimeOf(EventTiming when, char? meal, int? offsetMinutes)
    {
        if (!IsMealRelative(when))
        {
            if (!DayParts.TryGetValue(when, out var time))
            {
                throw new TimingNotSupportedException($"No clock time is configured for when={when}.");
            }

            return time.PlusMinutes(offsetMinutes ?? 0);
        }

        var mealTime = Meal(meal ?? MealOf(when) ?? 'M');
        if (IsBefore(when))
        {
            return offsetMinutes is { } before ? mealTime.PlusMinutes(-before) : mealTime.Minus(BeforeMealLead);
        }

        if (IsAfter(when))
        {
            return offsetMinutes is { } after ? mealTime.PlusMinutes(after) : mealTime.Plus(AfterMealLag);
        }

        return mealTime.PlusMinutes(offsetMinutes ?? 0);
    }
}

internal static class LocalTimeExtensions
{
    public static LocalTime Minus(this LocalTime time, Duration duration) => time.PlusTicks(-duration.BclCompatibleTicks);

    public static LocalTime Plus(this LocalTime time, Duration duration) => time.PlusTicks(duration.BclCompatibleTicks);
}
