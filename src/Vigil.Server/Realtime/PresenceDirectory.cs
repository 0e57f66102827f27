using Vigil.Contracts;

namespace Vigil.Server.Realtime;

/// <summary>
/// Presence as the whole deployment sees it: a user connected to any node is online. One node answers from its own
/// tracker; several nodes share what each one sees through Redis (<see cref="RedisPresenceDirectory"/>).
/// </summary>
public interface IPresenceDirectory
{
    /// <summary>This node's view of a user changed (a status, or offline when their last connection here closed).</summary>
    Task PublishAsync(Guid userId, string status, CancellationToken cancellationToken);

    /// <summary>The status of each of <paramref name="userIds"/>; offline users are left out.</summary>
    Task<IReadOnlyDictionary<Guid, string>> StatusesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken);
}

/// <summary>A single node: its tracker is the whole truth.</summary>
internal sealed class LocalPresenceDirectory(PresenceTracker tracker) : IPresenceDirectory
{
    public Task PublishAsync(Guid userId, string status, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyDictionary<Guid, string>> StatusesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<Guid, string>>(userIds
            .Select(id => (id, Status: tracker.StatusOf(id)))
            .Where(p => p.Status != PresenceStatuses.Offline)
            .ToDictionary(p => p.id, p => p.Status));
}

internal static class PresenceMerge
{
    /// <summary>Online on any node beats away on another.</summary>
    public static string Stronger(string a, string b) => a == PresenceStatuses.Online || b == PresenceStatuses.Online ? PresenceStatuses.Online : a;
}
