using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Hosting;

internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health/live", () => TypedResults.Ok(new { status = "live" }))
            .AllowAnonymous().WithTags("Health").WithName("Live").WithSummary("The process is up.");
        app.MapGet("/health/ready", Ready)
            .AllowAnonymous().WithTags("Health").WithName("Ready").WithSummary("The database answers.");
        return app;
    }

    private static async Task<IResult> Ready(VigilDbContext db, CancellationToken cancellationToken) =>
        await db.Database.CanConnectAsync(cancellationToken).ConfigureAwait(false)
            ? TypedResults.Ok(new { status = "ready" })
            : TypedResults.Problem("The database is not reachable.", statusCode: 503, title: "Not ready");
}
