namespace Vigil.Server.Patients;

/// <summary>
/// What identifies a patient, and the names of their contacts (relatives, carers) from Patient.contact, which the
/// PHI guard also looks for; held only encrypted (see <see cref="PatientProfile.Demographics"/>).
/// </summary>
public sealed record PatientDemographics(
    string Name,
    string? BirthDate,
    string? Gender,
    IReadOnlyList<PatientIdentifier> Identifiers,
    IReadOnlyList<PatientIdentifier> Telecom,
    IReadOnlyList<string>? Relatives = null);

public sealed record PatientIdentifier(string? System, string Value);
