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

namespace Vigil.Server.Signatures;

internal static class SignatureEndpoints
{
    public static IEndpointRouteBuilder MapSignatures(this IEndpointRouteBuilder app)
    {
        var signatures = app.MapGroup("/api/v1/messages/{id:guid}/signatures").WithTags("Signatures");
        signatures.MapPost("", Sign).WithName("SignMessage")
            .WithSummary("Sign the current version with a meaning; re-enter the password (and TOTP code) in the request.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        signatures.MapGet("", List).WithName("MessageSignatures")
            .WithSummary("Signatures of a message, each naming the version it applies to.").ProducesProblem(403).ProducesProblem(404);

        var attachments = app.MapGroup("/api/v1/attachments/{id:guid}/signatures").WithTags("Signatures");
        attachments.MapPost("", SignAttachment).WithName("SignAttachment")
            .WithSummary("Sign an attachment with a meaning; re-enter the password (and TOTP code) in the request.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        attachments.MapGet("", ListForAttachment).WithName("AttachmentSignatures")
            .WithSummary("Signatures of an attachment.").ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    private static Task<Results<Created<SignatureDto>, ProblemHttpResult>> Sign(
        Guid id, SignMessageRequest request, HttpContext context, UserManager<VigilUser> users, MessageWriter writer,
        LedgerRecorder ledger, CancellationToken cancellationToken) =>
        SignAsync(request, $"message/{id:D}", $"/api/v1/messages/{id}/signatures", context, users, writer, ledger,
            (user, meaning) => new SignMessageCommand(id, user.Id, user.DisplayName, meaning, request.Version), cancellationToken);

    private static Task<Results<Created<SignatureDto>, ProblemHttpResult>> SignAttachment(
        Guid id, SignMessageRequest request, HttpContext context, UserManager<VigilUser> users, MessageWriter writer,
        LedgerRecorder ledger, CancellationToken cancellationToken) =>
        SignAsync(request, $"attachment/{id:D}", $"/api/v1/attachments/{id}/signatures", context, users, writer, ledger,
            (user, meaning) => new SignAttachmentCommand(id, user.Id, user.DisplayName, meaning), cancellationToken);

    private static async Task<Results<Created<SignatureDto>, ProblemHttpResult>> SignAsync(
        SignMessageRequest request, string target, string location, HttpContext context, UserManager<VigilUser> users, MessageWriter writer,
        LedgerRecorder ledger, Func<VigilUser, string, WriteCommand<SignatureDto>> command, CancellationToken cancellationToken)
    {
        var (user, meaning, refusal) = await ReauthenticateAsync(request, target, context, users, ledger, cancellationToken).ConfigureAwait(false);
        if (refusal is not null)
        {
            return refusal;
        }

        var signature = await writer.SubmitAsync(command(user!, meaning), cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"{location}/{signature.Id}", signature);
    }

    /// <summary>
    /// §11.200(a)(1): both components again, inside the signing request. A failure counts towards lockout and is recorded
    /// (§11.300(d)).
    /// </summary>
    private static async Task<(VigilUser? User, string Meaning, ProblemHttpResult? Refusal)> ReauthenticateAsync(
        SignMessageRequest request, string target, HttpContext context, UserManager<VigilUser> users, LedgerRecorder ledger,
        CancellationToken cancellationToken)
    {
        var meaning = request.Meaning?.Trim().ToLowerInvariant();
        if (meaning is null || !SignatureMeanings.All.Contains(meaning))
        {
            throw ProblemException.Validation($"meaning must be one of: {string.Join(", ", SignatureMeanings.All)}.");
        }

        var user = await users.FindByIdAsync(context.User.UserId().ToString()).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The user");
        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            return (null, meaning, TypedResults.Problem("Too many failed attempts; signing and sign-in are locked for a while.", statusCode: 401,
                title: "Locked", type: ProblemTypes.LockedOut));
        }

        var passwordOk = !string.IsNullOrEmpty(request.Password) && request.Password.Length <= UserAdministration.MaxPasswordLength
            && await users.CheckPasswordAsync(user, request.Password).ConfigureAwait(false);
        var secondOk = !user.TwoFactorEnabled || (!string.IsNullOrWhiteSpace(request.TotpCode) && request.TotpCode.Length <= 16
            && await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, request.TotpCode.Trim()).ConfigureAwait(false));
        if (!passwordOk || !secondOk)
        {
            await users.AccessFailedAsync(user).ConfigureAwait(false);
            await ledger.RecordAsync(cancellationToken, new LedgerEvent(user.Id, LedgerActions.SignatureFailed, target,
                passwordOk ? "second-factor" : "password")).ConfigureAwait(false);
            return (null, meaning, TypedResults.Problem("Signing needs your current password" + (user.TwoFactorEnabled ? " and authenticator code." : "."),
                statusCode: 401, title: "Re-authentication failed", type: ProblemTypes.InvalidCredentials));
        }

        await users.ResetAccessFailedCountAsync(user).ConfigureAwait(false);
        return (user, meaning, null);
    }

    private static async Task<Ok<List<SignatureDto>>> List(
        Guid id, HttpContext context, VigilDbContext db, ConversationAccess access, CancellationToken cancellationToken)
    {
        var message = await db.Messages.AsNoTracking().Where(m => m.Id == id).Select(m => new { m.ConversationId, m.Version })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw ProblemException.NotFound("The message");
        await access.RequireMemberAsync(message.ConversationId, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        var signatures = await db.Signatures.AsNoTracking().Where(s => s.MessageId == id).OrderBy(s => s.SignedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(signatures.Select(s => s.ToDto(message.Version)).ToList());
    }

    private static async Task<Ok<List<SignatureDto>>> ListForAttachment(
        Guid id, HttpContext context, VigilDbContext db, ConversationAccess access, CancellationToken cancellationToken)
    {
        var conversationId = await db.Attachments.AsNoTracking().Where(a => a.Id == id).Select(a => (Guid?)a.ConversationId)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false) ?? throw ProblemException.NotFound("The attachment");
        await access.RequireMemberAsync(conversationId, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        var signatures = await db.Signatures.AsNoTracking().Where(s => s.AttachmentId == id).OrderBy(s => s.SignedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(signatures.Select(s => s.ToDto(1)).ToList());
    }
}
