using Microsoft.AspNetCore.SignalR;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Messaging;

namespace Vigil.Server.Realtime;

public static class RealtimeServiceCollectionExtensions
{
    /// <summary>The hub; with <c>Vigil:Redis</c> set, a Redis backplane joins the nodes that share one database.</summary>
    public static IServiceCollection AddVigilRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var signalR = services.AddSignalR(options =>
        {
            options.AddFilter<SessionHubFilter>();
            options.MaximumReceiveMessageSize = 256 * 1024;
        }).AddMessagePackProtocol();
        if (configuration["Vigil:Redis"] is { Length: > 0 })
        {
            // Group and user sends go through Redis to every node, on the node's one Redis connection.
            signalR.AddStackExchangeRedis();
            services.AddSingleton<RedisConnection>();
            services.AddOptions<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>()
                .Configure<RedisConnection>((options, connection) => options.ConnectionFactory = _ => connection.GetAsync());
            services.AddSingleton<RedisPresenceDirectory>();
            services.AddSingleton<IPresenceDirectory>(provider => provider.GetRequiredService<RedisPresenceDirectory>());
            services.AddHostedService(provider => provider.GetRequiredService<RedisPresenceDirectory>());
            services.AddSingleton<RedisGroupMembership>();
            services.AddSingleton<IGroupMembership>(provider => provider.GetRequiredService<RedisGroupMembership>());
            services.AddHostedService(provider => provider.GetRequiredService<RedisGroupMembership>());
            services.AddSingleton<Keys.RedisKeyRevocations>();
            services.AddSingleton<Keys.IKeyRevocations>(provider => provider.GetRequiredService<Keys.RedisKeyRevocations>());
            services.AddHostedService(provider => provider.GetRequiredService<Keys.RedisKeyRevocations>());
        }
        else
        {
            services.AddSingleton<IPresenceDirectory, LocalPresenceDirectory>();
            services.AddSingleton<IGroupMembership>(provider => provider.GetRequiredService<LocalGroupMembership>());
        }

        services.AddSingleton<LocalGroupMembership>();

        services.AddSingleton<SessionHubFilter>();
        services.AddSingleton<PresenceTracker>();
        services.AddSingleton<ChatFanout>();
        services.AddSingleton<IChatEventSink>(provider => provider.GetRequiredService<ChatFanout>());
        services.AddSingleton<IConversationNotifier>(provider => provider.GetRequiredService<ChatFanout>());
        services.AddHostedService(provider => provider.GetRequiredService<ChatFanout>());
        return services;
    }

    public static IEndpointRouteBuilder MapVigilRealtime(this IEndpointRouteBuilder app)
    {
        app.MapHub<ChatHub>(ChatHubContract.Path);
        app.MapPresence();
        return app;
    }
}
