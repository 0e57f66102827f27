using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;

namespace Vigil.Server.Hosting;

/// <summary>
/// The server's data layer without the web host, on whatever database the configuration names: for the CLI working
/// on a data folder, benchmarks, and tests that open a deployment's database directly (ledger verification).
/// </summary>
public static class OfflineServices
{
    public static IServiceCollection AddVigilOffline(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services
            .AddSingleton(configuration)
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddVigilPersistence(configuration)
            .AddVigilIdentityCore()
            .AddVigilLedgerCore()
            .AddVigilKeys()
            .AddVigilPatientsCore();
    }
}
