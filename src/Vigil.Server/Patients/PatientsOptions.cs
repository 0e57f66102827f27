namespace Vigil.Server.Patients;

/// <summary>Configuration section <c>Vigil:Patients</c>.</summary>
public sealed class PatientsOptions
{
    public const string Section = "Vigil:Patients";

    /// <summary>Whether this node runs the reminder scheduler (every node may; they share the work safely).</summary>
    public bool SchedulerEnabled { get; set; } = true;

    /// <summary>The zone of patients whose record names none (no timezone extension, no known address).</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    /// <summary>How long before an appointment its reminders go out.</summary>
    public List<TimeSpan> AppointmentReminderOffsets { get; set; } = [TimeSpan.FromHours(24), TimeSpan.FromHours(1)];

    /// <summary>How far ahead reminder rows are created.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromHours(36);

    /// <summary>How often the scheduler looks for due reminders.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Sent this long after its time, a reminder says it is late.</summary>
    public TimeSpan LateAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A dose reminder not sent within this window after its time (server down) is not sent; the dose is missed.</summary>
    public TimeSpan MissedAfter { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A sent dose reminder with no answer for this long counts as missed.</summary>
    public TimeSpan AnswerWindow { get; set; } = TimeSpan.FromHours(4);

    public TimeSpan SnoozeFor { get; set; } = TimeSpan.FromMinutes(30);

    public int MaxSnoozes { get; set; } = 3;

    /// <summary>After this many consecutive missed doses the care team is alerted in the patient conversation.</summary>
    public int MissedDosesAlert { get; set; } = 2;

    /// <summary>How long a node holds a claimed reminder before another node may take it over.</summary>
    public TimeSpan ClaimFor { get; set; } = TimeSpan.FromMinutes(2);

    public int ClaimBatchSize { get; set; } = 2_000;

    public TimeSpan InvitationLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>The organisation's patient-day clock: meal times and the span "N times a day" is spread over.</summary>
    public TimeOnly Breakfast { get; set; } = new(8, 0);

    public TimeOnly Lunch { get; set; } = new(12, 30);

    public TimeOnly Dinner { get; set; } = new(18, 30);

    public TimeOnly FirstDose { get; set; } = new(8, 0);

    public TimeOnly LastDose { get; set; } = new(20, 0);
}
