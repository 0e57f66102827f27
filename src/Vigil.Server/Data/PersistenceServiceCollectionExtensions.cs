using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vigil.Server.Hosting;

namespace Vigil.Server.Data;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>The data folder, the database and the id and clock services: what the server and the offline CLI share.</summary>
    public static IServiceCollection AddVigilPersistence(this IServiceCollection services)
    {
        services.AddOptions<VigilOptions>()
            .BindConfiguration(VigilOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdGenerator, UuidV7IdGenerator>();
        services.TryAddSingleton<DataDirectory>();
        services.AddSingleton<SqliteDurabilityInterceptor>();
        // Pooled: the hub, the writer and every request make a context per call.
        services.AddDbContextPool<VigilDbContext>((provider, options) =>
        {
            var vigil = provider.GetRequiredService<IOptions<VigilOptions>>().Value;
            var connectionString = vigil.ConnectionString
                ?? $"Data Source={provider.GetRequiredService<DataDirectory>().DatabasePath};Default Timeout=30";
            options.UseSqlite(connectionString)
                .AddInterceptors(provider.GetRequiredService<SqliteDurabilityInterceptor>());
        });
        services.AddScoped<DatabaseMigrator>();
        return services;
    }
}
