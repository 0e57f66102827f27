using System.Text.Json;
using StackExchange.Redis;
using Vigil.Server.Data;

namespace Vigil.Server.Realtime;

/// <summary>
/// Several nodes: the node where membership changed moves its own connections at once and announces the change on a
/// Redis channel; every other node moves its connections of those users when it hears it. Without this, a member
/// removed on node A kept receiving the conversation live through node B, and a member added on node A heard nothing
/// live through node B until the client subscribed again.
/// </summary>
internal sealed partial class RedisGroupMembership(
    LocalGroupMembership local, RedisConnection redis, IIdGenerator ids, ILogger<RedisGroupMembership> logger)
    : BackgroundService, IGroupMembership
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("membership");
    private readonly Guid _node = ids.NewId();

    public async Task AddAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken)
    {
        await local.AddAsync(conversationId, userIds, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(new Change(_node, conversationId, userIds, Added: true)).ConfigureAwait(false);
    }

    public async Task RemoveAsync(Guid conversationId, IReadOnlyList<Guid> userIds, CancellationToken cancellationToken)
    {
        await local.RemoveAsync(conversationId, userIds, cancellationToken).ConfigureAwait(false);
        await AnnounceAsync(new Change(_node, conversationId, userIds, Added: false)).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var messages = await (await redis.GetAsync().ConfigureAwait(false)).GetSubscriber().SubscribeAsync(Channel).ConfigureAwait(false);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var message = await messages.ReadAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await ApplyAsync(message.Message, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogApplyFailed(e.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            // The connection was disposed during shutdown.
        }
        finally
        {
            await messages.UnsubscribeAsync().ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(RedisValue payload, CancellationToken cancellationToken)
    {
        var change = JsonSerializer.Deserialize<Change>(payload.ToString());
        if (change is null || change.Node == _node)
        {
            return;
        }

        if (change.Added)
        {
            await local.AddAsync(change.ConversationId, change.UserIds, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await local.RemoveAsync(change.ConversationId, change.UserIds, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Best effort like the rest of live delivery: a client that misses a change catches up from the database.</summary>
    private async Task AnnounceAsync(Change change)
    {
        try
        {
            var subscriber = (await redis.GetAsync().ConfigureAwait(false)).GetSubscriber();
            await subscriber.PublishAsync(Channel, JsonSerializer.Serialize(change)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogAnnounceFailed(e.GetType().Name);
        }
    }

    private sealed record Change(Guid Node, Guid ConversationId, IReadOnlyList<Guid> UserIds, bool Added);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A membership change could not be announced to the other nodes ({Reason})")]
    private partial void LogAnnounceFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A membership change from another node could not be applied ({Reason})")]
    private partial void LogApplyFailed(string reason);
}
