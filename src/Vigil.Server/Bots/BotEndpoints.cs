using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Bots;

internal static class BotEndpoints
{
    /// <summary>Chooses the scheme by the token's prefix, so one bearer header serves sessions and bots.</summary>
    public const string SelectorScheme = "Vigil";

    public static IServiceCollection AddVigilBots(this IServiceCollection services)
    {
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = SelectorScheme;
                options.DefaultChallengeScheme = SessionTokenAuthenticationHandler.SchemeName;
                options.DefaultForbidScheme = SessionTokenAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, BotTokenAuthenticationHandler>(BotTokenAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "Session or bot token", options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer " + BotTokenAuthenticationHandler.TokenPrefix, StringComparison.Ordinal)
                    ? BotTokenAuthenticationHandler.SchemeName
                    : SessionTokenAuthenticationHandler.SchemeName);
        return services;
    }

    public static IEndpointRouteBuilder MapBots(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/bots", Create).WithTags("Bots").WithName("CreateBot")
            .WithSummary("A bot account with a scoped API token (shown once); add it to conversations like any member.")
            .RequireAuthorization(UserEndpoints.AdministratorPolicy).ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<BotCreatedDto>> Create(
        CreateBotRequest request, HttpContext context, VigilDbContext db, UserManager<VigilUser> users, LedgerAppender ledger,
        ISecureTokenGenerator tokens, IIdGenerator ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(request?.Name, "name", 100);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        var scopes = (request!.Scopes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || scopes.Any(s => !BotScopes.All.Contains(s)))
        {
            throw ProblemException.Validation($"scopes must be one or more of: {string.Join(", ", BotScopes.All)}.");
        }

        var now = time.GetUtcNow();
        var bot = new VigilUser { Id = ids.NewId(), UserName = $"bot-{Guid.NewGuid():N}"[..20], DisplayName = request.Name.Trim(), CreatedAt = now };
        var token = tokens.NewToken(BotTokenAuthenticationHandler.TokenPrefix);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!(await users.CreateAsync(bot).ConfigureAwait(false)).Succeeded || !(await users.AddToRoleAsync(bot, VigilRoles.Bot).ConfigureAwait(false)).Succeeded)
        {
            throw ProblemException.Conflict("The bot account could not be created.");
        }

        db.BotTokens.Add(new BotToken
        {
            Id = ids.NewId(),
            BotUserId = bot.Id,
            TokenHash = TokenHash.Of(token),
            Scopes = string.Join(' ', scopes),
            CreatedBy = context.User.UserId(),
            CreatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(context.User.UserId(), LedgerActions.UserCreated, LedgerActions.UserTarget(bot.Id), $"roles=Bot;scopes={string.Join(',', scopes)}")],
            now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new BotCreatedDto(bot.Id, bot.DisplayName, scopes, token));
    }
}
