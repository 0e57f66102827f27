using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Identity;

/// <summary>Prints the one-time setup token while the organisation has no user yet.</summary>
internal sealed partial class SetupAnnouncer(IServiceScopeFactory scopes, SetupGate gate, ILogger<SetupAnnouncer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        if (!await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            // The token is meant to be read from the console by the operator; it dies with the first user.
            LogSetupOpen(gate.Token);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No user exists yet. Create the first Administrator with POST /api/v1/setup from this machine, or from elsewhere with setup token {SetupToken}")]
    private partial void LogSetupOpen(string setupToken);
}
