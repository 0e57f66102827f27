namespace Vigil.Server.Patients;

/// <summary>One consent decision, kept forever: who recorded it, when, and on what basis.</summary>
public sealed class ConsentRecord
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    /// <summary><see cref="ConsentKinds"/>.</summary>
    public required string Kind { get; set; }

    public bool Granted { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid ActorId { get; set; }

    /// <summary>How it was given: "in app", "verbal, recorded by clinician" …</summary>
    public string? Basis { get; set; }
}

public static class ConsentKinds
{
    public const string Messaging = "messaging";
    public const string Reminders = "reminders";
}
