namespace Vigil.Fhir.Timing;

/// <summary>
/// One time a dose is due. <paramref name="Local"/> carries the patient's UTC offset at that instant.
/// <paramref name="ShiftedByDaylightSaving"/> is true when the intended wall-clock time did not exist that day
/// (the spring-forward gap) and the time was moved forward by the length of the gap.
/// </summary>
public readonly record struct TimingOccurrence(DateTimeOffset Local, bool ShiftedByDaylightSaving = false)
{
    public DateTimeOffset Utc => Local.ToUniversalTime();
}
