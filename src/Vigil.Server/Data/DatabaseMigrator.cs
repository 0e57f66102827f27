using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Identity;

namespace Vigil.Server.Data;

/// <summary>Brings a database, empty or old, to the current schema and makes sure every role exists.</summary>
public sealed partial class DatabaseMigrator(
    VigilDbContext db, RoleManager<VigilRole> roles, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run beside the single writer; it is recorded in the file, so once is enough.
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }

        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
        foreach (var name in VigilRoles.All)
        {
            if (!await roles.RoleExistsAsync(name).ConfigureAwait(false))
            {
                await roles.CreateAsync(new VigilRole(name)).ConfigureAwait(false);
            }
        }

        LogMigrated(pending.Count);
        return pending;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database ready; {Count} migration(s) applied")]
    private partial void LogMigrated(int count);
}
