using System.Security.Claims;
using System.Text.RegularExpressions;
using Vigil.Contracts;
using Vigil.Server.Problems;

namespace Vigil.Server.Fhir;

/// <summary>SMART-on-FHIR style system scopes for the read-only FHIR API.</summary>
internal static partial class FhirScopes
{
    public static readonly string[] Resources = ["Communication", "CommunicationRequest", "Consent"];

    public static bool IsValid(string scope) => ScopePattern().IsMatch(scope);

    /// <summary>Clinicians read as themselves; clients need <c>system/{resource}.read</c> or <c>system/*.read</c>.</summary>
    public static void Require(ClaimsPrincipal user, string resource)
    {
        if (user.IsInRole(VigilRoles.Clinician))
        {
            return;
        }

        var scopes = user.FindAll(FhirClientAuthenticationHandler.ScopeClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        if (!scopes.Contains($"system/{resource}.read") && !scopes.Contains("system/*.read"))
        {
            throw ProblemException.Forbidden($"This token lacks the scope system/{resource}.read.");
        }
    }

    [GeneratedRegex(@"^system/(\*|Communication|CommunicationRequest|Consent)\.read$")]
    private static partial Regex ScopePattern();
}
