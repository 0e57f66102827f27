using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Contracts;
using Vigil.Server.Identity;

namespace Vigil.Server.Conversations;

internal static class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapConversations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/conversations").WithTags("Conversations");
        group.MapPost("/", Create).WithName("CreateConversation")
            .WithSummary("Start a conversation; the caller becomes its owner. A direct conversation with the same person is returned, not duplicated.")
            .ProducesProblem(400).ProducesProblem(403);
        group.MapGet("/", List).WithName("ListConversations").WithSummary("The caller's conversations.");
        group.MapGet("/public", ListPublic).RequireAuthorization(UserEndpoints.StaffPolicy).WithName("ListPublicChannels")
            .WithSummary("Public channels anyone on staff may join.");
        group.MapGet("/{id:guid}", Get).WithName("GetConversation").ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/{id:guid}/members", AddMember).WithName("AddConversationMember")
            .WithSummary("Add a member or change their role (owners only).").ProducesProblem(400).ProducesProblem(403).ProducesProblem(404);
        group.MapDelete("/{id:guid}/members/{userId:guid}", RemoveMember).WithName("RemoveConversationMember")
            .WithSummary("Remove a member (owners), or leave (yourself).").ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/{id:guid}/join", Join).WithName("JoinChannel").WithSummary("Join a public channel.")
            .ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    private static async Task<Results<Created<ConversationDto>, Ok<ConversationDto>>> Create(
        CreateConversationRequest request, HttpContext context, ConversationService conversations, CancellationToken cancellationToken)
    {
        var (conversation, created) = await conversations.CreateAsync(
            context.User.UserId(), context.User.IsInRole(VigilRoles.Patient), request, cancellationToken).ConfigureAwait(false);
        return created
            ? TypedResults.Created($"/api/v1/conversations/{conversation.Id}", conversation)
            : TypedResults.Ok(conversation);
    }

    private static async Task<Ok<IReadOnlyList<ConversationDto>>> List(
        HttpContext context, ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.ListAsync(context.User.UserId(), cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<IReadOnlyList<ConversationDto>>> ListPublic(ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.ListPublicChannelsAsync(cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<ConversationDto>> Get(
        Guid id, HttpContext context, ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.GetAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<ConversationDto>> AddMember(
        Guid id, AddMemberRequest request, HttpContext context, ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.AddMemberAsync(id, context.User.UserId(), request, cancellationToken).ConfigureAwait(false));

    private static async Task<NoContent> RemoveMember(
        Guid id, Guid userId, HttpContext context, ConversationService conversations, CancellationToken cancellationToken)
    {
        await conversations.RemoveMemberAsync(id, context.User.UserId(), userId, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<ConversationDto>> Join(
        Guid id, HttpContext context, ConversationService conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.JoinAsync(
            id, context.User.UserId(), context.User.IsInRole(VigilRoles.Patient), cancellationToken).ConfigureAwait(false));
}
