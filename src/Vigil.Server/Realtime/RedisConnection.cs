using StackExchange.Redis;

namespace Vigil.Server.Realtime;

/// <summary>
/// The node's one connection to Redis (<c>Vigil:Redis</c>), shared by the SignalR backplane and the presence
/// directory; its channels carry the deployment's prefix (<c>Vigil:RedisChannelPrefix</c>), so deployments sharing a
/// Redis never hear each other. It connects in the background and keeps retrying, so a node starts and serves its own clients while
/// Redis is away; it uses the .NET thread pool instead of the client's dedicated threads, which cost more CPU than
/// the backplane's work itself when measured under load on one core (bench/Vigil.LoadTest).
/// </summary>
public sealed class RedisConnection(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _connection = new(async () =>
    {
        var options = ConfigurationOptions.Parse(configuration["Vigil:Redis"]!);
        options.ChannelPrefix = RedisChannel.Literal(configuration["Vigil:RedisChannelPrefix"] ?? "vigil");
        options.SocketManager = SocketManager.ThreadPool;
        options.AbortOnConnectFail = false;
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    });

    public Task<IConnectionMultiplexer> GetAsync() => _connection.Value;

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await (await _connection.Value.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        }
    }
}
