namespace Vigil.Server.Reminders;

/// <summary>
/// Something to remind a patient of: a medication (one dosage instruction of a MedicationRequest) or an appointment.
/// The timing is kept as FHIR JSON and expanded on demand, so a fixed expander re-plans without re-import.
/// </summary>
public sealed class ReminderPlan
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    /// <summary><see cref="ReminderPlanKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The source resource, e.g. <c>MedicationRequest/abc</c>, with <c>#n</c> for its n-th dosage instruction.</summary>
    public required string Source { get; set; }

    public string? SourceVersion { get; set; }

    /// <summary><see cref="ReminderPlanStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>What the reminder says (medication and dose, or appointment); PHI, encrypted with the patient's key.</summary>
    public required string Title { get; set; }

    /// <summary>Dosage.timing as FHIR JSON (medications).</summary>
    public string? TimingJson { get; set; }

    /// <summary>When the series starts if its timing has no bounds (MedicationRequest.authoredOn).</summary>
    public DateTimeOffset SeriesStart { get; set; }

    /// <summary>The appointment's start (appointments).</summary>
    public DateTimeOffset? AppointmentStart { get; set; }

    /// <summary>Why the plan has no scheduled reminders (an unsupported timing, say).</summary>
    public string? Problem { get; set; }

    /// <summary>Patient-chosen moves of daily times, as JSON <c>{"08:00":"09:30"}</c>.</summary>
    public string? TimeShifts { get; set; }

    /// <summary>Reminders up to this instant have rows; the scheduler extends it ahead of time.</summary>
    public DateTimeOffset MaterializedUntil { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class ReminderPlanKinds
{
    public const string Medication = "medication";
    public const string Appointment = "appointment";
}

public static class ReminderPlanStatuses
{
    public const string Active = "active";

    /// <summary>Taken as needed: no scheduled reminder.</summary>
    public const string AsNeeded = "as-needed";

    /// <summary>The timing cannot be honoured exactly; see <see cref="ReminderPlan.Problem"/>.</summary>
    public const string Unsupported = "unsupported";

    /// <summary>Stopped, cancelled, completed or on hold at the source.</summary>
    public const string Ended = "ended";
}
