using Vigil.Contracts;

namespace Vigil.Server.Ledger;

public static class LedgerServiceCollectionExtensions
{
    /// <summary>What appending needs: shared by the server and the offline CLI.</summary>
    public static IServiceCollection AddVigilLedgerCore(this IServiceCollection services)
    {
        services.AddSingleton<LedgerAppender>();
        services.AddSingleton<CommitmentKeyStore>();
        services.AddScoped<LedgerVerifier>();
        return services;
    }

    public static IServiceCollection AddVigilLedger(this IServiceCollection services)
    {
        services.AddVigilLedgerCore();
        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LedgerTree>();
        services.AddSingleton<LedgerRecorder>();
        services.AddSingleton<LedgerSigningKey>();
        services.AddSingleton<LedgerCheckpointService>();
        services.AddHostedService(provider => provider.GetRequiredService<LedgerCheckpointService>());
        services.AddHostedService<ConfigurationAudit>();
        services.AddAuthorizationBuilder().AddPolicy(LedgerEndpoints.AuditorPolicy,
            policy => policy.RequireRole(VigilRoles.ComplianceOfficer, VigilRoles.Administrator));
        return services;
    }

    public static IEndpointRouteBuilder MapVigilLedger(this IEndpointRouteBuilder app)
    {
        app.MapLedger();
        return app;
    }
}
