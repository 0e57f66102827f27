using Microsoft.Extensions.DependencyInjection.Extensions;
using Vigil.Server.Compliance;

namespace Vigil.Server.Keys;

public static class KeysServiceCollectionExtensions
{
    /// <summary>Encryption at rest: shared by the server and the offline CLI.</summary>
    public static IServiceCollection AddVigilKeys(this IServiceCollection services)
    {
        services.AddOptions<KeysOptions>().BindConfiguration(KeysOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<IKeyEncryptionKeyProvider, FileKeyEncryptionKeyProvider>();
        services.TryAddSingleton<DataKeyStore>();
        services.TryAddSingleton<LocalKeyRevocations>();
        services.TryAddSingleton<IKeyRevocations>(provider => provider.GetRequiredService<LocalKeyRevocations>());
        services.TryAddScoped<SubjectErasure>();
        return services;
    }
}
