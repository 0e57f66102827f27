namespace Vigil.Server.Reminders;

/// <summary>
/// One reminder to deliver, and for medications the dose's adherence record. Rows are created ahead of time by the
/// scheduler; a node claims due rows in the database, so two nodes never send the same reminder.
/// </summary>
public sealed class Reminder
{
    public Guid Id { get; set; }

    public Guid PlanId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>A medication dose (answered taken/skipped, or missed), as opposed to an appointment reminder.</summary>
    public bool IsDose { get; set; }

    /// <summary>When the dose or reminder is due (after the patient's time shift).</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>When to send it: <see cref="DueAt"/>, moved out of quiet hours, or later when snoozed.</summary>
    public DateTimeOffset DeliverAt { get; set; }

    /// <summary>The due time as the patient sees it, ISO 8601 with offset.</summary>
    public required string LocalTime { get; set; }

    /// <summary><see cref="ReminderStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>For doses: <see cref="DoseOutcomes"/>, null while awaiting an answer.</summary>
    public string? Outcome { get; set; }

    /// <summary>Why the system decided the outcome or did not send (no answer, no consent …); never PHI.</summary>
    public string? OutcomeReason { get; set; }

    /// <summary>The patient's own reason for skipping, encrypted with the patient's data key.</summary>
    public string? Note { get; set; }

    public DateTimeOffset? RespondedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>Sent after its time (the server was down or busy), and said so in the message.</summary>
    public bool Late { get; set; }

    public Guid? MessageId { get; set; }

    public int Snoozes { get; set; }

    /// <summary>The consecutive-misses alert this dose raised, so it is raised once.</summary>
    public bool AlertRaised { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }
}

public static class ReminderStatuses
{
    public const string Scheduled = "scheduled";
    public const string Sent = "sent";

    /// <summary>Not sent: no consent, the plan ended, or it was due too long ago (then the dose is missed).</summary>
    public const string NotSent = "not-sent";
}

public static class DoseOutcomes
{
    public const string Taken = "taken";
    public const string Skipped = "skipped";
    public const string Missed = "missed";
}
