using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;

namespace Vigil.Server.Web;

/// <summary>Hosts the Blazor WebAssembly client and the anonymous configuration it reads before sign-in.</summary>
internal static class WebClientEndpoints
{
    public static IServiceCollection AddVigilWebClient(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveWebAssemblyComponents();
        services.AddAntiforgery(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        return services;
    }

    /// <summary>Security headers and HSTS: put before everything that writes a response.</summary>
    public static IApplicationBuilder UseVigilSecurityHeaders(this WebApplication app)
    {
        app.UseMiddleware<SecurityHeadersMiddleware>();
        if (!app.Environment.IsDevelopment())
        {
            // Sent on HTTPS responses only, as RFC 6797 requires.
            app.UseHsts();
        }

        return app;
    }

    public static WebApplication MapVigilWebClient(this WebApplication app)
    {
        app.MapGet("/api/v1/client-config", ClientConfig).AllowAnonymous().WithName("ClientConfig").WithTags("Web client")
            .WithSummary("Whether setup is still open, and the idle limit after which sessions end.");
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>()
            .AddInteractiveWebAssemblyRenderMode()
            .AddAdditionalAssemblies(typeof(Vigil.Web.Routes).Assembly)
            .AllowAnonymous();
        return app;
    }

    private static async Task<Ok<ClientConfigDto>> ClientConfig(
        VigilDbContext db, IOptions<Identity.SessionOptions> sessions, CancellationToken cancellationToken) =>
        TypedResults.Ok(new ClientConfigDto(
            !await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false),
            (int)sessions.Value.IdleTimeout.TotalSeconds));
}
