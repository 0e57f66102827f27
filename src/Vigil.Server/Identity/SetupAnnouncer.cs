using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Hosting;

namespace Vigil.Server.Identity;

/// <summary>
/// While the organisation has no user yet, puts the one-time setup token in a file of the data folder that only the
/// server's own account can read, and logs where it is. Not the token itself: logs are shipped and kept, and whoever
/// held the token before the first Administrator existed could become that Administrator.
/// </summary>
internal sealed partial class SetupAnnouncer(IServiceScopeFactory scopes, SetupGate gate, DataDirectory data, ILogger<SetupAnnouncer> logger)
    : IHostedService
{
    public const string TokenFile = "setup-token";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var path = data.Combine(TokenFile);
        if (await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            // Once a user exists no token is needed; one left by an earlier start is dead anyway (each start makes
            // its own).
            File.Delete(path);
            return;
        }

        await WriteOwnerOnlyAsync(path, gate.Token, cancellationToken).ConfigureAwait(false);
        LogSetupOpen(path);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Created with owner-only permissions, so the token is never readable by others, not even briefly, and renamed
    /// into place, so nodes starting together on one data folder never fail on each other's file (the last one's
    /// token is the one in the file; each node accepts its own).
    /// </summary>
    private static async Task WriteOwnerOnlyAsync(string path, string token, CancellationToken cancellationToken)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(temporary, options);
        await using (file.ConfigureAwait(false))
        {
            await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes(token + "\n"), cancellationToken).ConfigureAwait(false);
        }

        File.Move(temporary, path, overwrite: true);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No user exists yet. Create the first Administrator with POST /api/v1/setup from this machine, or from elsewhere with the one-time setup token in {TokenPath} (readable by this account only)")]
    private partial void LogSetupOpen(string tokenPath);
}
