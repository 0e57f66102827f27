using System.Text.Json;
using StackExchange.Redis;
using Vigil.Server.Realtime;

namespace Vigil.Server.Keys;

/// <summary>
/// Several nodes: the erasing node forgets the destroyed keys at once and announces them on a Redis channel; every
/// other node forgets them when it hears it, within milliseconds instead of the cache's lifetime
/// (<see cref="KeysOptions.CacheLifetime"/>, which still bounds a node that missed the announcement).
/// </summary>
internal sealed partial class RedisKeyRevocations(LocalKeyRevocations local, RedisConnection redis, ILogger<RedisKeyRevocations> logger)
    : BackgroundService, IKeyRevocations
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("key-revocations");

    public async Task RevokeAsync(Guid dataSubject, IReadOnlyList<Guid> commitmentSubjects, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commitmentSubjects);
        local.Forget(dataSubject, commitmentSubjects);
        try
        {
            var message = JsonSerializer.Serialize(new Revocation(dataSubject, [.. commitmentSubjects]));
            await (await redis.GetAsync().ConfigureAwait(false)).GetSubscriber().PublishAsync(Channel, message).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The erasure has committed; the other nodes' caches expire on their own.
            LogAnnounceFailed(e.GetType().Name);
        }
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
                    if (JsonSerializer.Deserialize<Revocation>(message.Message.ToString()) is { } revocation)
                    {
                        local.Forget(revocation.DataSubject, revocation.CommitmentSubjects);
                    }
                }
                catch (JsonException e)
                {
                    LogUnreadable(e.GetType().Name);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing destroyed keys to the other nodes failed ({Reason}); their caches expire on their own")]
    private partial void LogAnnounceFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An announcement of destroyed keys could not be read ({Reason})")]
    private partial void LogUnreadable(string reason);

    private sealed record Revocation(Guid DataSubject, Guid[] CommitmentSubjects);
}
