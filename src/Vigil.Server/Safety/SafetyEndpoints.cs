using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Safety;

internal static class SafetyEndpoints
{
    public const string SafetyPolicy = "Safety";

    public static IEndpointRouteBuilder MapSafety(this IEndpointRouteBuilder app)
    {
        var cases = app.MapGroup("/api/v1/safety/cases").WithTags("Safety").RequireAuthorization(SafetyPolicy);
        cases.MapGet("/", List).WithName("ListSafetyCases").WithSummary("The triage queue (SafetyOfficers), oldest day 0 first.").ProducesProblem(400);
        cases.MapGet("/{id:guid}", Get).WithName("GetSafetyCase")
            .WithSummary("A case with its source message version, highlighted mentions, ICSR criteria, clock and notes.").ProducesProblem(404);
        cases.MapPatch("/{id:guid}", Update).WithName("UpdateSafetyCase")
            .WithSummary("Status (new → in-review → valid-case / not-an-ae / duplicate → submitted), seriousness, assignee, a note.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        cases.MapGet("/{id:guid}/e2b", E2b).WithName("ExportSafetyCaseE2b")
            .WithSummary("The case as an ICH E2B(R3) ICSR (HL7 v3 XML) with the elements the conversation provides.").ProducesProblem(404);
        cases.MapGet("/{id:guid}/summary", Summary).WithName("SafetyCaseSummary").WithSummary("A human-readable HTML summary.").ProducesProblem(404);
        cases.MapPost("/", Raise).WithName("RaiseSafetyCase").WithSummary("Raise a case on any message by hand.").ProducesProblem(404).ProducesProblem(409);
        app.MapPut("/api/v1/conversations/{id:guid}/safety-monitoring", SetMonitoring).WithTags("Safety").WithName("SetSafetyMonitoring")
            .WithSummary("Screen an HCP-facing or patient-support conversation for adverse events (administrators).")
            .RequireAuthorization(UserEndpoints.AdministratorPolicy).ProducesProblem(404);
        return app;
    }

    public static IServiceCollection AddVigilSafety(this IServiceCollection services)
    {
        services.AddOptions<SafetyOptions>().BindConfiguration(SafetyOptions.Section).ValidateOnStart()
            .Validate(o => o.Threshold is > 0 and < 1, "Vigil:Safety:Threshold must be between 0 and 1.")
            .Validate(o => o.ModelPath is null || File.Exists(o.ModelPath), "Vigil:Safety:ModelPath names no file.");
        services.AddSingleton<SafetyDetector>();
        services.AddSingleton<SafetyMonitor>();
        services.AddHostedService(provider => provider.GetRequiredService<SafetyMonitor>());
        services.AddScoped<SafetyCases>();
        services.AddScoped<IcsrExport>();
        services.AddSingleton<PhiGuard>();
        services.AddScoped<PhiFlags>();
        services.AddAuthorizationBuilder().AddPolicy(SafetyPolicy, policy => policy.RequireRole(VigilRoles.SafetyOfficer));
        return services;
    }

    private static async Task<Ok<IReadOnlyList<SafetyCaseDto>>> List(string? status, SafetyCases cases, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cases.ListAsync(status, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<SafetyCaseDto>> Get(Guid id, SafetyCases cases, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cases.GetAsync(id, cancellationToken).ConfigureAwait(false));

    private static async Task<Ok<SafetyCaseDto>> Update(Guid id, UpdateSafetyCaseRequest request, HttpContext context, SafetyCases cases, CancellationToken cancellationToken) =>
        TypedResults.Ok(await cases.UpdateAsync(id, context.User.UserId(), request, cancellationToken).ConfigureAwait(false));

    private static async Task<ContentHttpResult> E2b(Guid id, HttpContext context, IcsrExport export, CancellationToken cancellationToken) =>
        TypedResults.Text(await export.E2bAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false), "application/xml", System.Text.Encoding.UTF8);

    private static async Task<ContentHttpResult> Summary(Guid id, HttpContext context, IcsrExport export, CancellationToken cancellationToken) =>
        TypedResults.Text(await export.HtmlAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false), "text/html", System.Text.Encoding.UTF8);

    private static async Task<Created<SafetyCaseDto>> Raise(RaiseSafetyCaseRequest request, HttpContext context, SafetyCases cases, CancellationToken cancellationToken)
    {
        var raised = await cases.RaiseAsync(context.User.UserId(), request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/safety/cases/{raised.Id}", raised);
    }

    private static async Task<NoContent> SetMonitoring(
        Guid id, SafetyMonitoringRequest request, HttpContext context, VigilDbContext db, LedgerAppender ledger, TimeProvider time, CancellationToken cancellationToken)
    {
        await ConversationSettings.ChangeAsync(db, ledger, time, id, context.User.UserId(), conversation =>
            {
                if (conversation.Kind == ConversationKinds.Patient && !request.Monitored)
                {
                    throw ProblemException.Validation("Patient conversations are always screened for adverse events.");
                }

                conversation.SafetyMonitored = request.Monitored;
            },
            LedgerActions.SafetyMonitoringChanged, request.Monitored ? "screened" : "not screened", cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
