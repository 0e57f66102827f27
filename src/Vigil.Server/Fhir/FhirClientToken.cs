namespace Vigil.Server.Fhir;

/// <summary>
/// An EHR system's credential for the FHIR API only: a long-lived bearer token with SMART-style scopes
/// (<c>system/Communication.read</c>), stored as a hash. It is accepted nowhere but under <c>/fhir</c>.
/// </summary>
public sealed class FhirClientToken
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string TokenHash { get; set; }

    /// <summary>Space-separated scopes.</summary>
    public required string Scopes { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
