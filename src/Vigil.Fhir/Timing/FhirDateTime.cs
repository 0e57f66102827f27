using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Vigil.Fhir.Timing;

/// <summary>
/// FHIR <c>dateTime</c> values (year, year-month, date, or date-time with offset) as instants in a patient's zone.
/// A partial value stands for the whole span it names: as a start, its first moment; as an end, the moment after its
/// last (FHIR R4 Period: "the end value includes any matching date/time").
/// </summary>
internal static class FhirDateTime
{
    public static (Instant Instant, LocalDate? DateOnly) Start(string value, DateTimeZone zone)
    {
        if (TryDate(value, out var first, out _))
        {
            return (first.AtStartOfDayInZone(zone).ToInstant(), first);
        }

        return (Full(value), null);
    }

    public static Instant End(string value, DateTimeZone zone) =>
        TryDate(value, out _, out var last) ? last.PlusDays(1).AtStartOfDayInZone(zone).ToInstant() : Full(value) + Duration.Epsilon;

    private static bool TryDate(string value, out LocalDate first, out LocalDate last)
    {
        var parts = value.Split('-');
        if (value.Contains('T', StringComparison.Ordinal) || parts.Length > 3)
        {
            first = last = default;
            return false;
        }

        try
        {
            var year = int.Parse(parts[0], CultureInfo.InvariantCulture);
            var month = parts.Length > 1 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 1;
            first = new LocalDate(year, month, parts.Length > 2 ? int.Parse(parts[2], CultureInfo.InvariantCulture) : 1);
            last = parts.Length switch
            {
                1 => new LocalDate(year, 12, 31),
                2 => first.PlusMonths(1).PlusDays(-1),
                _ => first,
            };
            return true;
        }
        catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentOutOfRangeException)
        {
            throw new TimingNotSupportedException($"'{value}' is not a FHIR date.", exception);
        }
    }

    private static Instant Full(string value)
    {
        var parsed = OffsetDateTimePattern.ExtendedIso.Parse(value);
        if (!parsed.Success)
        {
            // FHIR requires an offset whenever a time is given; without one the instant is unknowable.
            throw new TimingNotSupportedException($"'{value}' is not a FHIR dateTime with a time-zone offset.");
        }

        return parsed.Value.ToInstant();
    }
}
