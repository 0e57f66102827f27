using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;

namespace Vigil.Server.Bots;

/// <summary>Authenticates bot API tokens (<c>vbt_…</c>): the bot account with its scopes, for the REST API only.</summary>
internal sealed class BotTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    VigilDbContext db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "BotToken";
    public const string TokenPrefix = "vbt_";
    public const string ScopeClaim = "bot_scope";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer " + TokenPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = TokenHash.Of(header["Bearer ".Length..].Trim());
        var token = await (from t in db.BotTokens.AsNoTracking()
                           join u in db.Users.AsNoTracking() on t.BotUserId equals u.Id
                           where t.TokenHash == hash && t.RevokedAt == null && !u.Disabled
                           select new { t.BotUserId, t.Scopes, u.UserName }).SingleOrDefaultAsync(Context.RequestAborted).ConfigureAwait(false);
        if (token is null)
        {
            return AuthenticateResult.Fail("The bot token is not valid.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, token.BotUserId.ToString()),
            new(ClaimTypes.Name, token.UserName ?? ""),
            new(ClaimTypes.Role, VigilRoles.Bot),
        };
        claims.AddRange(token.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(ScopeClaim, s)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }
}
