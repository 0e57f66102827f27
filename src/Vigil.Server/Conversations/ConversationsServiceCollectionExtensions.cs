namespace Vigil.Server.Conversations;

public static class ConversationsServiceCollectionExtensions
{
    public static IServiceCollection AddVigilConversations(this IServiceCollection services)
    {
        services.AddScoped<ConversationAccess>();
        services.AddScoped<ConversationService>();
        return services;
    }
}
