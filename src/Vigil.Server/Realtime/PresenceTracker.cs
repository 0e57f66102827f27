using System.Collections.Concurrent;
using Vigil.Contracts;

namespace Vigil.Server.Realtime;

/// <summary>
/// Which users have connections on this node, and their chosen status. A user is online while any device is
/// connected; "away" is what the client says when its user is idle.
/// </summary>
public sealed class PresenceTracker
{
    private readonly ConcurrentDictionary<Guid, UserConnections> _users = new();

    /// <summary>Returns true when this is the user's first connection (they just came online).</summary>
    public bool Connected(Guid userId, string connectionId)
    {
        var entry = _users.GetOrAdd(userId, _ => new UserConnections());
        lock (entry)
        {
            entry.ConnectionIds.Add(connectionId);
            if (entry.ConnectionIds.Count == 1)
            {
                entry.Status = PresenceStatuses.Online;
                return true;
            }

            return false;
        }
    }

    /// <summary>Returns true when this was the user's last connection (they just went offline).</summary>
    public bool Disconnected(Guid userId, string connectionId)
    {
        if (!_users.TryGetValue(userId, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            entry.ConnectionIds.Remove(connectionId);
            if (entry.ConnectionIds.Count > 0)
            {
                return false;
            }

            _users.TryRemove(new KeyValuePair<Guid, UserConnections>(userId, entry));
            return true;
        }
    }

    /// <summary>Returns true when the status changed.</summary>
    public bool SetStatus(Guid userId, string status)
    {
        if (!_users.TryGetValue(userId, out var entry))
        {
            return false;
        }

        lock (entry)
        {
            var changed = entry.Status != status;
            entry.Status = status;
            return changed;
        }
    }

    public string StatusOf(Guid userId)
    {
        if (!_users.TryGetValue(userId, out var entry))
        {
            return PresenceStatuses.Offline;
        }

        lock (entry)
        {
            return entry.ConnectionIds.Count > 0 ? entry.Status : PresenceStatuses.Offline;
        }
    }

    /// <summary>Everyone connected to this node and their status.</summary>
    public IReadOnlyDictionary<Guid, string> Snapshot()
    {
        var snapshot = new Dictionary<Guid, string>();
        foreach (var userId in _users.Keys)
        {
            var status = StatusOf(userId);
            if (status != PresenceStatuses.Offline)
            {
                snapshot[userId] = status;
            }
        }

        return snapshot;
    }

    public IReadOnlyList<string> ConnectionsOf(Guid userId)
    {
        if (!_users.TryGetValue(userId, out var entry))
        {
            return [];
        }

        lock (entry)
        {
            return [.. entry.ConnectionIds];
        }
    }

    private sealed class UserConnections
    {
        public HashSet<string> ConnectionIds { get; } = [];

        public string Status { get; set; } = PresenceStatuses.Online;
    }
}
