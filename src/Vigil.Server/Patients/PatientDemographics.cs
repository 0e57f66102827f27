namespace Vigil.Server.Patients;

/// <summary>What identifies a patient; held only encrypted (see <see cref="PatientProfile.Demographics"/>).</summary>
public sealed record PatientDemographics(
    string Name,
    string? BirthDate,
    string? Gender,
    IReadOnlyList<PatientIdentifier> Identifiers,
    IReadOnlyList<PatientIdentifier> Telecom);

public sealed record PatientIdentifier(string? System, string Value);
