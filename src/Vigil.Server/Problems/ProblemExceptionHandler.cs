using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Vigil.Contracts;

namespace Vigil.Server.Problems;

/// <summary>Writes ProblemDetails for refusals and for requests the framework could not read (malformed JSON).</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ProblemException p => new ProblemDetails { Status = p.Status, Type = p.Type, Title = p.Title, Detail = p.Message },
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Type = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? ProblemTypes.BodyTooLarge : ProblemTypes.BadRequest,
                Title = "The request could not be read",
                Detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is larger than this endpoint accepts."
                    : "The request body is not valid JSON of the expected shape.",
            },
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        }).ConfigureAwait(false);
    }
}
