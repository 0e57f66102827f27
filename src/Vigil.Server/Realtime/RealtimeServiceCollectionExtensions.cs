using Microsoft.AspNetCore.SignalR;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Messaging;

namespace Vigil.Server.Realtime;

public static class RealtimeServiceCollectionExtensions
{
    public static IServiceCollection AddVigilRealtime(this IServiceCollection services)
    {
        services.AddSignalR(options =>
        {
            options.AddFilter<SessionHubFilter>();
            options.MaximumReceiveMessageSize = 256 * 1024;
        }).AddMessagePackProtocol();
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
