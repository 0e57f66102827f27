using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Contracts;
using Vigil.Server.Identity;

namespace Vigil.Server.Compliance;

internal static class ComplianceEndpoints
{
    public const string CompliancePolicy = "Compliance";

    public static IEndpointRouteBuilder MapCompliance(this IEndpointRouteBuilder app)
    {
        var compliance = app.MapGroup("/api/v1/compliance").WithTags("Compliance").RequireAuthorization(CompliancePolicy);
        compliance.MapPost("/erasures", Erase).WithName("EraseSubject")
            .WithSummary("GDPR erasure: destroy a subject's keys (a patient, a user or a conversation); recorded in the ledger.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
        compliance.MapPut("/legal-holds/{subjectId:guid}", SetLegalHold).WithName("SetLegalHold")
            .WithSummary("Place or lift a legal hold, which blocks erasure.").ProducesProblem(400).ProducesProblem(404);
        return app;
    }

    private static async Task<Ok<ErasureResult>> Erase(
        ErasureRequest request, HttpContext context, SubjectErasure erasure, CancellationToken cancellationToken) =>
        TypedResults.Ok(await erasure.EraseAsync(request.SubjectId, request.Reason, context.User.UserId(), cancellationToken).ConfigureAwait(false));

    private static async Task<NoContent> SetLegalHold(
        Guid subjectId, LegalHoldRequest request, HttpContext context, SubjectErasure erasure, CancellationToken cancellationToken)
    {
        await erasure.SetLegalHoldAsync(subjectId, request.Hold, request.Reason, context.User.UserId(), cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    public static IServiceCollection AddVigilCompliance(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(CompliancePolicy, policy => policy.RequireRole(VigilRoles.ComplianceOfficer));
        return services;
    }
}
