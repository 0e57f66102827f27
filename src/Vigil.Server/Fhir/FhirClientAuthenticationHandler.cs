using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Data;
using Vigil.Server.Identity;

namespace Vigil.Server.Fhir;

/// <summary>
/// Authenticates EHR systems' FHIR client tokens (<c>vfc_…</c>). The scheme is used only by the <c>/fhir</c> endpoints,
/// so such a token opens nothing else. Its principal carries the scopes, not roles.
/// </summary>
internal sealed class FhirClientAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VigilDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FhirClient";
    public const string TokenPrefix = "vfc_";
    public const string ScopeClaim = "scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + TokenPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = TokenHash.Of(header["Bearer ".Length..].Trim());
        var client = await db.FhirClientTokens.AsNoTracking().SingleOrDefaultAsync(c => c.TokenHash == hash && c.RevokedAt == null, Context.RequestAborted)
            .ConfigureAwait(false);
        if (client is null)
        {
            return AuthenticateResult.Fail("The FHIR client token is not valid.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, client.Id.ToString()),
            new(ClaimTypes.Name, client.Name),
        };
        claims.AddRange(client.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    // The session scheme answers the challenge with the problem details; this one adds nothing.
    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => Task.CompletedTask;

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) => Task.CompletedTask;
}
