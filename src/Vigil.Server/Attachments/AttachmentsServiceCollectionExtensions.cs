namespace Vigil.Server.Attachments;

public static class AttachmentsServiceCollectionExtensions
{
    public static IServiceCollection AddVigilAttachments(this IServiceCollection services)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AttachmentStore>();
        return services;
    }
}
