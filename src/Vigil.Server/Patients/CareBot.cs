using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;

namespace Vigil.Server.Patients;

/// <summary>
/// The system account reminders and care-team alerts are sent from. It has the Bot role and no password, so nobody
/// can sign in as it; its messages are ledgered like anyone's.
/// </summary>
public sealed class CareBot(IServiceScopeFactory scopes, TimeProvider time, IIdGenerator ids)
{
    public const string UserName = "care-bot";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Guid? _id;

    public async Task<Guid> IdAsync(CancellationToken cancellationToken)
    {
        if (_id is { } known)
        {
            return known;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_id is { } raced)
            {
                return raced;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
            var existing = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == UserName.ToUpperInvariant())
                .Select(u => (Guid?)u.Id).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                var users = scope.ServiceProvider.GetRequiredService<UserManager<VigilUser>>();
                var bot = new VigilUser { Id = ids.NewId(), UserName = UserName, DisplayName = "Care reminders", CreatedAt = time.GetUtcNow() };
                var created = await users.CreateAsync(bot).ConfigureAwait(false);
                if (!created.Succeeded)
                {
                    // Another node created it first.
                    existing = await db.Users.AsNoTracking().Where(u => u.NormalizedUserName == UserName.ToUpperInvariant())
                        .Select(u => (Guid?)u.Id).SingleAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await users.AddToRoleAsync(bot, VigilRoles.Bot).ConfigureAwait(false);
                    existing = bot.Id;
                }
            }

            _id = existing;
            return existing!.Value;
        }
        finally
        {
            _gate.Release();
        }
    }
}
