using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vigil.Server.Data.Postgres;
using Vigil.Server.Hosting;

namespace Vigil.Server.Data;

public static class PersistenceServiceCollectionExtensions
{
    /// <summary>The data folder, the database and the id and clock services: what the server and the offline CLI share.</summary>
    public static IServiceCollection AddVigilPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VigilOptions>()
            .BindConfiguration(VigilOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIdGenerator, UuidV7IdGenerator>();
        services.TryAddSingleton<DataDirectory>();
        services.AddSingleton<SqliteConnectionPragmas>();
        // Pooled: the hub, the writer and every request make a context per call. The provider is chosen once, at
        // start, from configuration (options are validated before the first context is made).
        ArgumentNullException.ThrowIfNull(configuration);
        var database = configuration[$"{VigilOptions.Section}:{nameof(VigilOptions.Database)}"];
        if (string.Equals(database, VigilOptions.Postgres, StringComparison.OrdinalIgnoreCase))
        {
            services.AddDbContextPool<VigilDbContext, PostgresVigilDbContext>((provider, options) =>
            {
                var vigil = provider.GetRequiredService<IOptions<VigilOptions>>().Value;
                options.UseNpgsql(PostgresConnectionString.WithAutoPrepare(vigil.ConnectionString
                        ?? throw new InvalidOperationException("Vigil:Database is postgres: set Vigil:ConnectionString.")))
                    .AddInterceptors(new PostgresWriteSerializer());
            });
        }
        else
        {
            services.AddDbContextPool<VigilDbContext>((provider, options) =>
            {
                var vigil = provider.GetRequiredService<IOptions<VigilOptions>>().Value;
                var connectionString = vigil.ConnectionString
                    ?? $"Data Source={provider.GetRequiredService<DataDirectory>().DatabasePath};Default Timeout=30";
                options.UseSqlite(connectionString)
                    .AddInterceptors(provider.GetRequiredService<SqliteConnectionPragmas>());
            });
        }

        services.AddScoped<DatabaseMigrator>();
        return services;
    }
}
