namespace Vigil.Server.Problems;

public static class ProblemsServiceCollectionExtensions
{
    public static IServiceCollection AddVigilProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // A correlation id lets an operator find the request in the logs without the client seeing internals.
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }
}
