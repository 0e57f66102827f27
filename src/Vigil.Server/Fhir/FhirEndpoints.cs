using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Vigil.Contracts;
using Vigil.Fhir.Resources;
using Vigil.Server.Identity;

namespace Vigil.Server.Fhir;

internal static class FhirEndpoints
{
    public const string FhirReadPolicy = "FhirRead";
    public const string FhirJsonType = "application/fhir+json";

    /// <summary>Large enough for a Bundle of thousands of resources; bigger exports go through the CLI.</summary>
    public const long MaxImportBytes = 100L * 1024 * 1024;

    public static IEndpointRouteBuilder MapFhir(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/v1/fhir").WithTags("FHIR").RequireAuthorization(UserEndpoints.AdministratorPolicy);
        admin.MapPost("/import", Import).WithName("ImportFhir")
            .WithSummary("Import FHIR R4 NDJSON or a Bundle: patients, practitioners, medication requests, appointments (idempotent).")
            .WithMetadata(new RequestSizeLimitAttribute(MaxImportBytes)).ProducesProblem(400).ProducesProblem(413);
        admin.MapPost("/clients", CreateClient).WithName("CreateFhirClient")
            .WithSummary("Issue an EHR client token for the read-only FHIR API (shown once).").ProducesProblem(400);
        admin.MapDelete("/clients/{id:guid}", RevokeClient).WithName("RevokeFhirClient").ProducesProblem(404);

        var fhir = app.MapGroup("/fhir").WithTags("FHIR").RequireAuthorization(FhirReadPolicy);
        fhir.MapGet("/metadata", Metadata).AllowAnonymous().WithName("FhirCapabilityStatement");
        fhir.MapGet("/Communication", Communications).WithName("SearchCommunication")
            .WithSummary("The patient conversation's messages as a searchset Bundle of Communication (subject=Patient/{id}).").ProducesProblem(403).ProducesProblem(404);
        fhir.MapGet("/CommunicationRequest", CommunicationRequests).WithName("SearchCommunicationRequest")
            .WithSummary("The patient's reminders as CommunicationRequest (subject=Patient/{id}).").ProducesProblem(403).ProducesProblem(404);
        fhir.MapGet("/Consent", Consents).WithName("SearchConsent").WithSummary("The patient's consents (patient=Patient/{id}).").ProducesProblem(403).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<FhirImportReportDto>> Import(HttpContext context, FhirImporter importer, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            throw Problems.ProblemException.Validation("The request body is empty: send FHIR R4 NDJSON or a Bundle.");
        }

        var report = await importer.ImportAsync(FhirResourceReader.Read("request", buffer.ToArray()), context.User.UserId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(report);
    }

    private static async Task<Ok<FhirClientDto>> CreateClient(CreateFhirClientRequest request, HttpContext context, FhirClients clients, CancellationToken cancellationToken) =>
        TypedResults.Ok(await clients.CreateAsync(request, context.User.UserId(), cancellationToken).ConfigureAwait(false));

    private static async Task<NoContent> RevokeClient(Guid id, HttpContext context, FhirClients clients, CancellationToken cancellationToken)
    {
        await clients.RevokeAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static ContentHttpResult Metadata(FhirExport export) => Fhir(export.Capabilities());

    private static async Task<ContentHttpResult> Communications(string? subject, int? _count, HttpContext context, FhirExport export, CancellationToken cancellationToken)
    {
        FhirScopes.Require(context.User, "Communication");
        return Fhir(await export.CommunicationsAsync(RequireSubject(subject, "subject"), context.User.UserId(), _count ?? FhirExport.MaxCount, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<ContentHttpResult> CommunicationRequests(string? subject, int? _count, HttpContext context, FhirExport export, CancellationToken cancellationToken)
    {
        FhirScopes.Require(context.User, "CommunicationRequest");
        return Fhir(await export.CommunicationRequestsAsync(RequireSubject(subject, "subject"), context.User.UserId(), _count ?? FhirExport.MaxCount, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<ContentHttpResult> Consents(string? patient, HttpContext context, FhirExport export, CancellationToken cancellationToken)
    {
        FhirScopes.Require(context.User, "Consent");
        return Fhir(await export.ConsentsAsync(RequireSubject(patient, "patient"), context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static string RequireSubject(string? value, string name) =>
        string.IsNullOrWhiteSpace(value) ? throw Problems.ProblemException.Validation($"{name}=Patient/{{id}} is required.") : value;

    private static ContentHttpResult Fhir(Hl7.Fhir.Model.Base resource) => TypedResults.Text(FhirJson.Serialize(resource), FhirJsonType);
}
