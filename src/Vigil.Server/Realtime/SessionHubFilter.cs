using Microsoft.AspNetCore.SignalR;
using Vigil.Server.Identity;
using Vigil.Server.Problems;

namespace Vigil.Server.Realtime;

/// <summary>
/// Applies session rules to every hub call (a connection authenticates once, but automatic log-off and sign-out
/// everywhere must still reach it), and turns refusals into hub errors with a safe message.
/// </summary>
internal sealed class SessionHubFilter(SessionService sessions) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        var failure = await sessions.CheckActiveAsync(context.User!.SessionId(), context.ConnectionAborted).ConfigureAwait(false);
        if (failure != SessionFailure.None)
        {
            context.Abort();
            throw new HubException("Your session has ended; sign in again.");
        }

        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (ProblemException problem)
        {
            throw new HubException($"{problem.Status} {problem.Title}: {problem.Message}");
        }
    }
}
