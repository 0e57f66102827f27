using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Webhooks;

internal static class IncomingWebhookEndpoints
{
    public const string TokenPrefix = "vih_";

    public static IEndpointRouteBuilder MapIncomingWebhooks(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/webhooks/incoming", Create).WithTags("Webhooks").WithName("CreateIncomingWebhook")
            .WithSummary("A secret URL that posts into a conversation as its own bot (administrators); the URL is shown once.")
            .RequireAuthorization(UserEndpoints.AdministratorPolicy).ProducesProblem(400).ProducesProblem(404);
        app.MapPost("/api/v1/hooks/{token}", Post).WithTags("Webhooks").WithName("PostToIncomingWebhook")
            .WithSummary("Post a message through an incoming webhook: {text, clientMessageId?}.").AllowAnonymous().ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<IncomingWebhookCreatedDto>> Create(
        CreateIncomingWebhookRequest request, HttpContext context, VigilDbContext db, UserManager<VigilUser> users, LedgerAppender ledger,
        ISecureTokenGenerator tokens, IIdGenerator ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(request?.Name, "name", 100);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        var conversation = await db.Conversations.AsNoTracking().SingleOrDefaultAsync(c => c.Id == request!.ConversationId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The conversation");
        if (conversation.Kind == ConversationKinds.Patient)
        {
            throw ProblemException.Validation("Incoming webhooks cannot post into patient conversations.");
        }

        var now = time.GetUtcNow();
        var bot = new VigilUser { Id = ids.NewId(), UserName = $"hook-{Guid.NewGuid():N}"[..20], DisplayName = request!.Name.Trim(), CreatedAt = now };
        var token = tokens.NewToken(TokenPrefix);
        var hook = new IncomingWebhook
        {
            Id = ids.NewId(),
            Name = request.Name.Trim(),
            ConversationId = conversation.Id,
            BotUserId = bot.Id,
            TokenHash = TokenHash.Of(token),
            CreatedBy = context.User.UserId(),
            CreatedAt = now,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var created = await users.CreateAsync(bot).ConfigureAwait(false);
        if (!created.Succeeded || !(await users.AddToRoleAsync(bot, VigilRoles.Bot).ConfigureAwait(false)).Succeeded)
        {
            throw ProblemException.Conflict("The webhook's bot account could not be created.");
        }

        db.ConversationMembers.Add(new ConversationMember { ConversationId = conversation.Id, UserId = bot.Id, Role = MemberRoles.Member, JoinedAt = now });
        db.IncomingWebhooks.Add(hook);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db,
        [
            new LedgerEvent(hook.CreatedBy, LedgerActions.WebhookCreated, $"incoming-webhook/{hook.Id:D}", $"posts into conversation {conversation.Id:D}"),
            new LedgerEvent(hook.CreatedBy, LedgerActions.MemberAdded, LedgerActions.ConversationTarget(conversation.Id), $"user={bot.Id:D};role={MemberRoles.Member}"),
        ], now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new IncomingWebhookCreatedDto(hook.Id, hook.Name, conversation.Id, bot.Id, $"/api/v1/hooks/{token}"));
    }

    private static async Task<Created<MessageDto>> Post(
        string token, IncomingWebhookPost request, VigilDbContext db, MessageWriter writer, MessageInput input, IIdGenerator ids, CancellationToken cancellationToken)
    {
        var hash = TokenHash.Of(token);
        var hook = await db.IncomingWebhooks.AsNoTracking().SingleOrDefaultAsync(h => h.TokenHash == hash, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The webhook");
        var send = new SendMessageRequest(request?.ClientMessageId ?? ids.NewId().ToString("N"), request?.Text ?? "");
        input.ValidateSend(send);
        var outcome = await writer.SubmitAsync(new SendMessageCommand(hook.ConversationId, hook.BotUserId, send) { Automated = true }, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/messages/{outcome.Message.Id}", outcome.Message);
    }
}
