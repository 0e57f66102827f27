using StackExchange.Redis;
using Vigil.Contracts;
using Vigil.Server.Data;

namespace Vigil.Server.Realtime;

/// <summary>
/// Each node keeps a Redis hash of the users connected to it (user id → status) under its own key, which expires
/// unless the node rewrites it every <see cref="Refresh"/>: a node that dies takes its users offline within
/// <see cref="Lifetime"/>, with nobody having to clean up after it. A lookup reads every live node's hash.
/// </summary>
internal sealed partial class RedisPresenceDirectory : BackgroundService, IPresenceDirectory
{
    internal static readonly TimeSpan Refresh = TimeSpan.FromSeconds(10);
    internal static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly PresenceTracker _tracker;
    private readonly RedisConnection _redis;
    private readonly RedisKey _nodes;
    private readonly RedisKey _mine;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisPresenceDirectory> _logger;

    public RedisPresenceDirectory(
        PresenceTracker tracker, RedisConnection redis, IConfiguration configuration, IIdGenerator ids, TimeProvider time, ILogger<RedisPresenceDirectory> logger)
    {
        _tracker = tracker;
        _redis = redis;
        _time = time;
        _logger = logger;
        _prefix = (configuration["Vigil:RedisChannelPrefix"] ?? "vigil") + ":presence:";
        _nodes = _prefix + "nodes";
        _mine = _prefix + ids.NewId().ToString("N");
    }

    /// <summary>Best effort: a failed update is healed by the next refresh, and never fails the caller's connection.</summary>
    public async Task PublishAsync(Guid userId, string status, CancellationToken cancellationToken)
    {
        try
        {
            var db = (await _redis.GetAsync().ConfigureAwait(false)).GetDatabase();
            var transaction = db.CreateTransaction();
            _ = status == PresenceStatuses.Offline
                ? transaction.HashDeleteAsync(_mine, userId.ToString())
                : transaction.HashSetAsync(_mine, userId.ToString(), status);
            _ = transaction.KeyExpireAsync(_mine, Lifetime);
            await transaction.ExecuteAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogRedisFailed("publish", e.GetType().Name);
        }
    }

    /// <summary>With Redis unreachable, what this node sees itself.</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> StatusesAsync(IReadOnlyCollection<Guid> userIds, CancellationToken cancellationToken)
    {
        try
        {
            return await ClusterStatusesAsync(userIds).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogRedisFailed("lookup", e.GetType().Name);
            return await new LocalPresenceDirectory(_tracker).StatusesAsync(userIds, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<IReadOnlyDictionary<Guid, string>> ClusterStatusesAsync(IReadOnlyCollection<Guid> userIds)
    {
        var result = new Dictionary<Guid, string>();
        if (userIds.Count == 0)
        {
            return result;
        }

        var db = (await _redis.GetAsync().ConfigureAwait(false)).GetDatabase();
        var fields = userIds.Select(id => (RedisValue)id.ToString()).ToArray();
        var ordered = userIds.ToArray();
        foreach (var node in await db.SetMembersAsync(_nodes).ConfigureAwait(false))
        {
            var key = (RedisKey)(_prefix + node);
            var statuses = await db.HashGetAsync(key, fields).ConfigureAwait(false);
            if (statuses.All(s => s.IsNull) && !await db.KeyExistsAsync(key).ConfigureAwait(false))
            {
                // The node stopped refreshing (it died): forget it.
                await db.SetRemoveAsync(_nodes, node).ConfigureAwait(false);
                continue;
            }

            for (var i = 0; i < ordered.Length; i++)
            {
                if (!statuses[i].IsNull)
                {
                    var status = statuses[i].ToString();
                    result[ordered[i]] = result.TryGetValue(ordered[i], out var other) ? PresenceMerge.Stronger(other, status) : status;
                }
            }
        }

        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Refresh, _time);
        do
        {
            try
            {
                await RewriteAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRedisFailed("refresh", e.GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // A clean shutdown takes this node's users offline at once instead of after the lifetime.
        try
        {
            await (await _redis.GetAsync().ConfigureAwait(false)).GetDatabase().KeyDeleteAsync(_mine).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogRedisFailed("removal", e.GetType().Name);
        }
    }

    /// <summary>The whole hash from the tracker, so a missed update heals within one refresh.</summary>
    private async Task RewriteAsync()
    {
        var db = (await _redis.GetAsync().ConfigureAwait(false)).GetDatabase();
        var entries = _tracker.Snapshot().Select(p => new HashEntry(p.Key.ToString(), p.Value)).ToArray();
        var transaction = db.CreateTransaction();
        _ = transaction.SetAddAsync(_nodes, _mine.ToString()[_prefix.Length..]);
        _ = transaction.KeyDeleteAsync(_mine);
        if (entries.Length > 0)
        {
            _ = transaction.HashSetAsync(_mine, entries);
            _ = transaction.KeyExpireAsync(_mine, Lifetime);
        }

        await transaction.ExecuteAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence {Operation} in Redis failed ({Reason}); the next refresh heals it")]
    private partial void LogRedisFailed(string operation, string reason);
}
