using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Vigil.Contracts;

namespace Vigil.Server.Identity;

/// <summary>
/// Accepts <c>Authorization: Bearer …</c>, and on the hub path the <c>access_token</c> query parameter, which is how
/// the official SignalR clients send a token over WebSockets and Server-Sent Events.
/// </summary>
internal sealed class SessionTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SessionService sessions,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "VigilSession";
    public const string SessionIdClaim = "sid";
    private const string FailureKey = "vigil.session-failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken();
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var (session, failure) = await sessions.AuthenticateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (session is null)
        {
            Context.Items[FailureKey] = failure;
            return AuthenticateResult.Fail("The session is not valid.");
        }

        var claims = new List<Claim>(session.Roles.Count + 3)
        {
            new(ClaimTypes.NameIdentifier, session.UserId.ToString()),
            new(ClaimTypes.Name, session.Username),
            new(SessionIdClaim, session.SessionId.ToString()),
        };
        claims.AddRange(session.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = Context.Items.TryGetValue(FailureKey, out var value) ? (SessionFailure)value! : SessionFailure.None;
        var (type, detail) = failure switch
        {
            SessionFailure.None => (ProblemTypes.InvalidCredentials, "Sign in first: send a bearer access token."),
            SessionFailure.Idle => (ProblemTypes.SessionExpired, "The session ended after a period of inactivity; sign in again."),
            SessionFailure.Expired => (ProblemTypes.SessionExpired, "The access token has expired; refresh it or sign in again."),
            SessionFailure.Revoked => (ProblemTypes.SessionExpired, "The session was signed out."),
            SessionFailure.Disabled => (ProblemTypes.SessionExpired, "The account is disabled."),
            _ => (ProblemTypes.InvalidCredentials, "The access token is not valid."),
        };
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = 401, Type = type, Title = "Unauthorized", Detail = detail },
        }).ConfigureAwait(false);
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails
            {
                Status = 403,
                Type = ProblemTypes.Forbidden,
                Title = "Forbidden",
                Detail = "Your roles do not allow this.",
            },
        }).ConfigureAwait(false);
    }

    private string? ReadToken()
    {
        string header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            return token.Length == 0 ? null : token;
        }

        if (Request.Path.StartsWithSegments(ChatHubContract.Path) && Request.Query.TryGetValue("access_token", out var query))
        {
            var token = query.ToString();
            return token.Length == 0 ? null : token;
        }

        return null;
    }
}
