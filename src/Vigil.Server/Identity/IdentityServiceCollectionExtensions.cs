using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Hosting;
using Vigil.Server.Keys;

namespace Vigil.Server.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>Users, roles, sessions and their administration: what the server and the offline CLI share.</summary>
    public static IServiceCollection AddVigilIdentityCore(this IServiceCollection services)
    {
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddDataProtection().SetApplicationName("Vigil");
        services.AddVigilKeys();
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory, ILoggerFactory, IKeyEncryptionKeyProvider>((options, data, loggers, keks) =>
        {
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(data.Combine("keys", "data-protection")), loggers);
            options.XmlEncryptor = new KekXmlEncryptor(keks);
        });

        services.AddIdentityCore<VigilUser>()
            .AddRoles<VigilRole>()
            .AddEntityFrameworkStores<VigilDbContext>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().Configure<IOptions<SessionOptions>>((options, sessions) =>
        {
            options.User.RequireUniqueEmail = false;
            options.User.AllowedUserNameCharacters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
            options.Password.RequiredLength = 8;
            options.Password.RequireDigit = true;
            options.Password.RequireLowercase = true;
            options.Password.RequireUppercase = true;
            options.Password.RequireNonAlphanumeric = true;
            options.Lockout.AllowedForNewUsers = true;
            options.Lockout.MaxFailedAccessAttempts = sessions.Value.MaxFailedAttempts;
            options.Lockout.DefaultLockoutTimeSpan = sessions.Value.LockoutDuration;
        });

        services.TryAddSingleton<ISecureTokenGenerator, SecureTokenGenerator>();
        services.TryAddSingleton<SessionActivityWriter>();
        services.TryAddSingleton<SessionService>();
        services.AddScoped<UserAdministration>();
        return services;
    }

    /// <summary>Bearer authentication over sessions, authorization policies and first-run setup.</summary>
    public static IServiceCollection AddVigilIdentity(this IServiceCollection services)
    {
        services.AddVigilIdentityCore();
        services.AddSingleton<SetupGate>();
        services.AddHostedService<SetupAnnouncer>();
        services.AddHostedService(provider => provider.GetRequiredService<SessionActivityWriter>());
        services.AddAuthentication(SessionTokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionTokenAuthenticationHandler>(SessionTokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            // Deny by default: an endpoint is public only when it says AllowAnonymous.
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(UserEndpoints.AdministratorPolicy, policy => policy.RequireRole(VigilRoles.Administrator))
            .AddPolicy(UserEndpoints.StaffPolicy, policy => policy.RequireAssertion(context =>
                context.User.Identity?.IsAuthenticated == true
                && VigilRoles.All.Any(role => role != VigilRoles.Patient && context.User.IsInRole(role))));
        return services;
    }

    public static IEndpointRouteBuilder MapVigilIdentity(this IEndpointRouteBuilder app)
    {
        app.MapAuth();
        app.MapUsers();
        return app;
    }
}
