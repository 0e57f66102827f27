using Microsoft.AspNetCore.Mvc;
using Vigil.Contracts;

namespace Vigil.Server.Bots;

/// <summary>
/// A bot token opens only the endpoints its scopes name (reading conversations, reading or writing messages); every
/// other request from a bot is refused with 403 before it reaches an endpoint.
/// </summary>
internal sealed class BotScopeMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (context.User.Identity?.AuthenticationType != BotTokenAuthenticationHandler.SchemeName)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var required = BotScopes.Required(context.Request.Method, context.Request.Path.Value ?? "");
        if (required is not null && context.User.HasClaim(BotTokenAuthenticationHandler.ScopeClaim, required))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = 403,
                Type = ProblemTypes.Forbidden,
                Title = "Forbidden",
                Detail = required is null ? "Bot tokens cannot call this endpoint." : $"This bot token lacks the scope {required}.",
            },
        }).ConfigureAwait(false);
    }
}
