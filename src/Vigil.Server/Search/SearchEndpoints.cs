using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Contracts;
using Vigil.Server.Identity;

namespace Vigil.Server.Search;

internal static class SearchEndpoints
{
    public static IServiceCollection AddVigilSearch(this IServiceCollection services)
    {
        services.AddScoped<MessageSearch>();
        services.AddSingleton<SearchIndexSignal>();
        services.AddSingleton<SearchIndexer>();
        services.AddHostedService(provider => provider.GetRequiredService<SearchIndexer>());
        return services;
    }

    public static IEndpointRouteBuilder MapVigilSearch(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/search", Search).WithTags("Messages").WithName("SearchMessages")
            .WithSummary("Messages containing every word of q (at most 8 words), newest first, in the caller's conversations only.")
            .ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<MessageDto>>> Search(
        string? q, int? limit, HttpContext context, MessageSearch search, CancellationToken cancellationToken) =>
        TypedResults.Ok(await search.SearchAsync(context.User.UserId(), q, limit, cancellationToken).ConfigureAwait(false));
}
