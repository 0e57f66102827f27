namespace Vigil.Server.Patients;

/// <summary>
/// A patient known to Vigil, usually imported from FHIR. Demographics are PHI and are stored encrypted under the
/// patient's own data key (subject = <see cref="Id"/>), so erasing the patient crypto-shreds them with the patient's
/// conversations. When the patient accepts an invitation, their user account gets this same id.
/// </summary>
public sealed class PatientProfile
{
    public Guid Id { get; set; }

    /// <summary>The FHIR Patient id in the source system; null for patients registered by hand.</summary>
    public string? FhirId { get; set; }

    /// <summary>meta.versionId, or a hash of the resource when the source gives no version.</summary>
    public string? FhirVersion { get; set; }

    /// <summary><see cref="PatientDemographics"/> as JSON, encrypted with the patient's data key.</summary>
    public required string Demographics { get; set; }

    public string? Language { get; set; }

    /// <summary>IANA zone reminders are computed in, e.g. <c>Europe/Berlin</c>.</summary>
    public required string TimeZone { get; set; }

    /// <summary>Quiet hours (patient-local); a reminder due inside them is delivered when they end.</summary>
    public TimeOnly? QuietHoursStart { get; set; }

    public TimeOnly? QuietHoursEnd { get; set; }

    /// <summary>Set once the patient has accepted an invitation (the user's id equals <see cref="Id"/>).</summary>
    public bool HasAccount { get; set; }

    public Guid? ConversationId { get; set; }

    public bool MessagingConsent { get; set; }

    public bool ReminderConsent { get; set; }

    public string? InvitationCodeHash { get; set; }

    public DateTimeOffset? InvitationExpiresAt { get; set; }

    public Guid? InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Set by erasure: nothing more is scheduled or sent for this patient.</summary>
    public bool Erased { get; set; }
}
