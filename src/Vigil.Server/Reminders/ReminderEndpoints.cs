using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Contracts;

namespace Vigil.Server.Reminders;

internal static class ReminderEndpoints
{
    public static IEndpointRouteBuilder MapReminders(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/reminders/{id:guid}/responses", Respond).WithTags("Patients").WithName("AnswerReminder")
            .WithSummary("A quick reply to a dose reminder: taken, skipped (with an optional reason) or snooze (30 minutes).")
            .RequireAuthorization().ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        return app;
    }

    private static async Task<Ok<ReminderResponseDto>> Respond(
        Guid id, ReminderResponseRequest request, HttpContext context, ReminderResponses responses, CancellationToken cancellationToken) =>
        TypedResults.Ok(await responses.RespondAsync(id, context.User, request, cancellationToken).ConfigureAwait(false));
}
