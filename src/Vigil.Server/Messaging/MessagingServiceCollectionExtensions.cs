namespace Vigil.Server.Messaging;

public static class MessagingServiceCollectionExtensions
{
    public static IServiceCollection AddVigilMessaging(this IServiceCollection services)
    {
        services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MessageInput>();
        services.AddSingleton<MarkdownRenderer>();
        services.AddScoped<MessageQueries>();
        services.AddSingleton<WriterMetrics>();
        services.AddSingleton<Data.WriterContexts>();
        services.AddSingleton<MessageWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<MessageWriter>());
        return services;
    }
}
