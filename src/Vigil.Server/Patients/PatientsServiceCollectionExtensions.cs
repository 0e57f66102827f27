using Microsoft.AspNetCore.Authentication;
using Vigil.Contracts;
using Vigil.Fhir.Timing;
using Vigil.Server.Fhir;
using Vigil.Server.Identity;
using Vigil.Server.Reminders;

namespace Vigil.Server.Patients;

public static class PatientsServiceCollectionExtensions
{
    /// <summary>What the FHIR import needs, also offline (the CLI on a data folder).</summary>
    public static IServiceCollection AddVigilPatientsCore(this IServiceCollection services)
    {
        services.AddOptions<PatientsOptions>().BindConfiguration(PatientsOptions.Section).ValidateOnStart()
            .Validate(o => PatientTimeZones.IsKnown(o.DefaultTimeZone), "Vigil:Patients:DefaultTimeZone must be an IANA time zone.")
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.Horizon >= TimeSpan.FromHours(2), "PollInterval must be positive and Horizon at least 2 hours.")
            .Validate(o => o.FirstDose < o.LastDose, "Vigil:Patients:FirstDose must be earlier than LastDose.");
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<PatientsOptions>>().Value;
            return new TimingExpander(new DoseClock
            {
                Breakfast = NodaTime.LocalTime.FromTimeOnly(options.Breakfast),
                Lunch = NodaTime.LocalTime.FromTimeOnly(options.Lunch),
                Dinner = NodaTime.LocalTime.FromTimeOnly(options.Dinner),
                FirstDose = NodaTime.LocalTime.FromTimeOnly(options.FirstDose),
                LastDose = NodaTime.LocalTime.FromTimeOnly(options.LastDose),
            });
        });
        services.AddSingleton<ReminderCalendar>();
        services.AddScoped<FhirImporter>();
        return services;
    }

    public static IServiceCollection AddVigilPatients(this IServiceCollection services)
    {
        services.AddVigilPatientsCore();
        services.AddSingleton<CareBot>();
        services.AddSingleton<ReminderMaterializer>();
        services.AddSingleton<ReminderScheduler>();
        services.AddHostedService(provider => provider.GetRequiredService<ReminderScheduler>());
        services.AddScoped<PatientRecords>();
        services.AddScoped<ConsentService>();
        services.AddScoped<PatientPreferences>();
        services.AddScoped<PatientInvitations>();
        services.AddScoped<ReminderQueries>();
        services.AddScoped<ReminderResponses>();
        services.AddScoped<FhirExport>();
        services.AddScoped<FhirClients>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, FhirClientAuthenticationHandler>(FhirClientAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(FhirEndpoints.FhirReadPolicy, policy => policy
            .AddAuthenticationSchemes(SessionTokenAuthenticationHandler.SchemeName, FhirClientAuthenticationHandler.SchemeName)
            .RequireAssertion(context => context.User.IsInRole(VigilRoles.Clinician)
                || context.User.HasClaim(c => c.Type == FhirClientAuthenticationHandler.ScopeClaim)));
        return services;
    }
}
