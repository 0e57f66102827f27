using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Vigil.Contracts;
using Vigil.Server.Identity;
using Vigil.Server.Problems;

namespace Vigil.Server.Messaging;

internal static class MessagingEndpoints
{
    public static IEndpointRouteBuilder MapMessaging(this IEndpointRouteBuilder app)
    {
        var conversations = app.MapGroup("/api/v1/conversations/{conversationId:guid}").WithTags("Messages");
        conversations.MapGet("/messages", Page).WithName("ListMessages")
            .WithSummary("Messages in sequence order: after=N for catch-up, before=N to scroll back; limit caps the page.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        conversations.MapPost("/messages", Send).WithName("SendMessage")
            .WithSummary("Send a message; acknowledged once durably committed. Retrying with the same clientMessageId returns the stored message.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(413);
        conversations.MapPost("/read", MarkRead).WithName("MarkRead")
            .WithSummary("Move the caller's read marker forward.").ProducesProblem(403).ProducesProblem(404);

        var messages = app.MapGroup("/api/v1/messages/{id:guid}").WithTags("Messages");
        messages.MapGet("/", Get).WithName("GetMessage").ProducesProblem(403).ProducesProblem(404);
        messages.MapPatch("/", Edit).WithName("EditMessage")
            .WithSummary("Edit a message (sender only); the previous value is kept in its history.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413);
        messages.MapDelete("/", Delete).WithName("DeleteMessage")
            .WithSummary("Delete a message with a reason (sender or owner); members see a tombstone.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        messages.MapGet("/history", History).WithName("MessageHistory")
            .WithSummary("Every version of a message with author, time and reason.").ProducesProblem(403).ProducesProblem(404);
        messages.MapGet("/html", Html).WithName("RenderMessage")
            .WithSummary("The message rendered from Markdown to sanitized HTML.").Produces<string>(200, "text/html");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<MessageDto>>> Page(
        Guid conversationId, long? after, long? before, int? limit, HttpContext context, MessageQueries queries,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.PageAsync(conversationId, context.User.UserId(), after, before, limit, cancellationToken)
            .ConfigureAwait(false));

    private static async Task<Results<Created<MessageDto>, Ok<MessageDto>>> Send(
        Guid conversationId, SendMessageRequest request, HttpContext context, MessageInput input, MessageWriter writer,
        CancellationToken cancellationToken)
    {
        input.ValidateSend(request);
        var outcome = await writer.SubmitAsync(new SendMessageCommand(conversationId, context.User.UserId(), request) { Automated = context.User.IsInRole(VigilRoles.Bot) }, cancellationToken)
            .ConfigureAwait(false);
        return outcome.Created
            ? TypedResults.Created($"/api/v1/messages/{outcome.Message.Id}", outcome.Message)
            : TypedResults.Ok(outcome.Message);
    }

    private static async Task<Ok<ReadReceiptDto>> MarkRead(
        Guid conversationId, MarkReadRequest request, HttpContext context, MessageWriter writer, CancellationToken cancellationToken) =>
        TypedResults.Ok(await writer.SubmitAsync(new MarkReadCommand(conversationId, context.User.UserId(), request.Sequence), cancellationToken)
            .ConfigureAwait(false));

    private static async Task<Ok<MessageDto>> Get(Guid id, HttpContext context, MessageQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.ReadAsync(id, context.User, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<MessageDto>> Edit(
        Guid id, EditMessageRequest request, HttpContext context, MessageInput input, MessageWriter writer, CancellationToken cancellationToken)
    {
        input.ValidateEdit(request);
        return TypedResults.Ok(await writer.SubmitAsync(new EditMessageCommand(id, context.User.UserId(), request), cancellationToken)
            .ConfigureAwait(false));
    }

    private static async Task<Ok<MessageDto>> Delete(
        Guid id,
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] DeleteMessageRequest? request,
        [FromQuery] string? reason,
        HttpContext context,
        MessageInput input,
        MessageWriter writer,
        CancellationToken cancellationToken)
    {
        var why = request?.Reason ?? reason;
        input.ValidateReason(why);
        return TypedResults.Ok(await writer.SubmitAsync(new DeleteMessageCommand(id, context.User.UserId(), why!), cancellationToken)
            .ConfigureAwait(false));
    }

    private static async Task<Ok<MessageHistoryDto>> History(
        Guid id, HttpContext context, MessageQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(await queries.HistoryAsync(id, context.User, cancellationToken).ConfigureAwait(false));

    private static async Task<ContentHttpResult> Html(
        Guid id, HttpContext context, MessageQueries queries, MarkdownRenderer renderer, CancellationToken cancellationToken)
    {
        var message = await queries.ReadAsync(id, context.User, cancellationToken).ConfigureAwait(false);
        if (message.Body is null)
        {
            throw ProblemException.NotFound("The message content");
        }

        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'";
        return TypedResults.Text(renderer.ToSafeHtml(message.Body), "text/html; charset=utf-8");
    }
}
