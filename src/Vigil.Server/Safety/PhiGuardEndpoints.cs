using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Compliance;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;

namespace Vigil.Server.Safety;

internal static class PhiGuardEndpoints
{
    public static IEndpointRouteBuilder MapPhiGuard(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/conversations/{id:guid}/phi-check", Check).WithTags("PHI guard").WithName("CheckForPhi")
            .WithSummary("Before sending: does this draft carry identifying information the conversation is not cleared for?")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        app.MapPut("/api/v1/conversations/{id:guid}/classification", Classify).WithTags("PHI guard").WithName("ClassifyConversation")
            .WithSummary("Clear a conversation for PHI (care teams) or not (research, general channels); administrators.")
            .RequireAuthorization(UserEndpoints.AdministratorPolicy).ProducesProblem(404);
        var flags = app.MapGroup("/api/v1/compliance/phi-flags").WithTags("PHI guard").RequireAuthorization(ComplianceEndpoints.CompliancePolicy);
        flags.MapGet("/", List).WithName("ListPhiFlags").WithSummary("Messages with PHI where it should not be, newest first.");
        flags.MapPost("/{id:guid}/review", Review).WithName("ReviewPhiFlag").ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<PhiCheckDto>> Check(
        Guid id, PhiCheckRequest request, HttpContext context, ConversationService conversations, VigilDbContext db, PhiGuard guard,
        MessageInput input, CancellationToken cancellationToken)
    {
        await conversations.GetAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        input.ValidateSend(new SendMessageRequest("phi-check", request?.Body ?? ""));
        var allowed = await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => c.PhiAllowed).SingleAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PhiCheckDto(allowed, allowed ? [] : await guard.ScanAsync(request!.Body, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<NoContent> Classify(
        Guid id, ConversationClassificationRequest request, HttpContext context, VigilDbContext db, LedgerAppender ledger, TimeProvider time, CancellationToken cancellationToken)
    {
        await ConversationSettings.ChangeAsync(db, ledger, time, id, context.User.UserId(), conversation => conversation.PhiAllowed = request.PhiAllowed,
            LedgerActions.ConversationClassified, request.PhiAllowed ? "PHI allowed" : "PHI not allowed", cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<PhiFlagDto>>> List(bool? unreviewed, PhiFlags flags, CancellationToken cancellationToken) =>
        TypedResults.Ok(await flags.ListAsync(unreviewed ?? false, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<PhiFlagDto>> Review(Guid id, HttpContext context, PhiFlags flags, CancellationToken cancellationToken) =>
        TypedResults.Ok(await flags.ReviewAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false));
}
