using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;

namespace Vigil.Server.Realtime;

/// <summary>
/// Who is online now, on any node, among the people the caller shares a conversation with: the starting point a client needs,
/// since the hub only announces changes. Offline people are left out.
/// </summary>
internal static class PresenceEndpoints
{
    public static IEndpointRouteBuilder MapPresence(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/presence", Current).WithTags("Realtime").WithName("CurrentPresence")
            .WithSummary("Online and away people among those who share a conversation with you.");
        return app;
    }

    private static async Task<Ok<List<PresenceDto>>> Current(
        HttpContext context, VigilDbContext db, IPresenceDirectory presence, TimeProvider time, CancellationToken cancellationToken)
    {
        var me = context.User.UserId();
        var mine = db.ConversationMembers.Where(m => m.UserId == me).Select(m => m.ConversationId);
        var people = await db.ConversationMembers.AsNoTracking()
            .Where(m => mine.Contains(m.ConversationId) && m.UserId != me)
            .Select(m => m.UserId).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var statuses = await presence.StatusesAsync(people, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(statuses.Select(p => new PresenceDto(p.Key, p.Value, now)).ToList());
    }
}
