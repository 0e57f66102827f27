using System.Security.Claims;
using Vigil.Contracts;

namespace Vigil.Server.Identity;

internal static class ClaimsPrincipalExtensions
{
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)
            ?? throw new InvalidOperationException("The principal is not authenticated."));

    public static Guid SessionId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(SessionTokenAuthenticationHandler.SessionIdClaim)
            ?? throw new InvalidOperationException("The principal has no session."));

    /// <summary>
    /// Compliance officers may read what members no longer see (deleted content) in any conversation. Administrators
    /// run the system but do not read clinical content by virtue of that role.
    /// </summary>
    public static bool IsComplianceReader(this ClaimsPrincipal principal) => principal.IsInRole(VigilRoles.ComplianceOfficer);
}
