namespace Vigil.Server.Patients;

/// <summary>A practitioner imported from FHIR (Practitioner and PractitionerRole), who may have a Vigil account.</summary>
public sealed class Clinician
{
    public Guid Id { get; set; }

    public required string FhirId { get; set; }

    public string? FhirVersion { get; set; }

    public required string Name { get; set; }

    /// <summary>The US National Provider Identifier, when the source gives one.</summary>
    public string? Npi { get; set; }

    public string? Specialty { get; set; }

    public Guid? UserId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
