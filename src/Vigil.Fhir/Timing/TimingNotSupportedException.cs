namespace Vigil.Fhir.Timing;

/// <summary>
/// A timing the expander cannot honour exactly. Reminders are never approximated: the plan is reported with this
/// reason and gets no scheduled reminder until a person fixes the prescription or the plan.
/// </summary>
public sealed class TimingNotSupportedException : Exception
{
    public TimingNotSupportedException()
    {
    }

    public TimingNotSupportedException(string message)
        : base(message)
    {
    }

    public TimingNotSupportedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
