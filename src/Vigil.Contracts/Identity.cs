namespace Vigil.Contracts;

/// <summary>Body of <c>POST /api/v1/setup</c> and <c>POST /api/v1/users</c>.</summary>
public sealed record CreateUserRequest(
    string Username,
    string Password,
    string DisplayName,
    string Email,
    IReadOnlyList<string>? Roles = null,
    string? SetupToken = null);

public sealed record UserDto(
    Guid Id,
    string Username,
    string DisplayName,
    string Email,
    IReadOnlyList<string> Roles,
    bool Disabled,
    bool TwoFactorEnabled);

/// <summary>What any member of the organisation may see of a colleague.</summary>
public sealed record UserSummaryDto(Guid Id, string Username, string DisplayName);

public sealed record SetRolesRequest(IReadOnlyList<string> Roles);

public sealed record TokenRequest(string Username, string Password, string? TotpCode = null, string? RecoveryCode = null);

public sealed record RefreshTokenRequest(string RefreshToken);

public sealed record TokenResponse(string AccessToken, string RefreshToken, int ExpiresIn, string TokenType = "Bearer");

public sealed record TotpEnrollmentResponse(string SharedKey, string AuthenticatorUri);

public sealed record TotpCodeRequest(string Code);

public sealed record RecoveryCodesResponse(IReadOnlyList<string> RecoveryCodes);

/// <summary>The roles Vigil knows; a user holds any number of them.</summary>
public static class VigilRoles
{
    public const string Administrator = "Administrator";
    public const string ComplianceOfficer = "ComplianceOfficer";
    public const string SafetyOfficer = "SafetyOfficer";
    public const string Researcher = "Researcher";
    public const string Clinician = "Clinician";
    public const string Patient = "Patient";
    public const string Bot = "Bot";

    public static IReadOnlyList<string> All { get; } =
        [Administrator, ComplianceOfficer, SafetyOfficer, Researcher, Clinician, Patient, Bot];
}

/// <summary>Body of <c>POST /api/v1/compliance/erasures</c>: a patient's or user's id, or a conversation's.</summary>
public sealed record ErasureRequest(Guid SubjectId, string Reason);

public sealed record LegalHoldRequest(bool Hold, string Reason);
