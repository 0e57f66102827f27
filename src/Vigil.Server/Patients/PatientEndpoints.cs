using Microsoft.AspNetCore.Http.HttpResults;
using Vigil.Contracts;
using Vigil.Server.Identity;
using Vigil.Server.Reminders;

namespace Vigil.Server.Patients;

internal static class PatientEndpoints
{
    public static IEndpointRouteBuilder MapPatients(this IEndpointRouteBuilder app)
    {
        var patients = app.MapGroup("/api/v1/patients").WithTags("Patients").RequireAuthorization();
        patients.MapGet("/", List).WithName("ListPatients").WithSummary("Patients, for the care team (ledgered read).").ProducesProblem(403);
        patients.MapGet("/{id:guid}", Get).WithName("GetPatient").WithSummary("A patient's profile (care team or the patient).").ProducesProblem(404);
        patients.MapGet("/{id:guid}/consent", GetConsent).WithName("GetConsent").ProducesProblem(404);
        patients.MapPut("/{id:guid}/consent", SetConsent).WithName("SetConsent")
            .WithSummary("Grant or withdraw consent to messaging and to reminders; staff must give the basis.").ProducesProblem(400).ProducesProblem(404);
        patients.MapPut("/{id:guid}/preferences", SetPreferences).WithName("SetPatientPreferences")
            .WithSummary("Time zone and quiet hours; re-plans reminders not yet sent.").ProducesProblem(400).ProducesProblem(404);
        patients.MapGet("/{id:guid}/plans", Plans).WithName("ListReminderPlans").ProducesProblem(404);
        patients.MapPut("/{id:guid}/plans/{planId:guid}/time-shifts", Shift).WithName("ShiftDoseTime")
            .WithSummary("Move a daily dose time (by at most 6 hours), or restore it with an empty 'to'.").ProducesProblem(400).ProducesProblem(404);
        patients.MapGet("/{id:guid}/reminders", Reminders).WithName("ListReminders")
            .WithSummary("Every plan's reminder times in [from, to) in UTC and patient-local time (at most 93 days).").ProducesProblem(400).ProducesProblem(404);
        patients.MapGet("/{id:guid}/adherence", Adherence).WithName("GetAdherence")
            .WithSummary("Doses taken, skipped and missed over 7 and 30 days, and a 30-day calendar strip.").ProducesProblem(404);
        patients.MapPost("/{id:guid}/invitations", Invite).WithName("InvitePatient")
            .WithSummary("A one-time code the patient redeems to create their account (clinicians).").ProducesProblem(403).ProducesProblem(409);
        app.MapPost("/api/v1/patient-invitations/accept", Accept).WithTags("Patients").WithName("AcceptPatientInvitation")
            .WithSummary("Redeem an invitation code: creates the patient's account and care conversation.").AllowAnonymous().ProducesProblem(400);
        return app;
    }

    private static async Task<Ok<IReadOnlyList<PatientDto>>> List(HttpContext context, PatientRecords records, CancellationToken cancellationToken)
    {
        PatientAccess.RequireCareTeam(context.User);
        return TypedResults.Ok(await records.ListAsync(context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<PatientDto>> Get(Guid id, HttpContext context, PatientRecords records, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        return TypedResults.Ok(await records.GetAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<ConsentDto>> GetConsent(Guid id, HttpContext context, ConsentService consent, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        return TypedResults.Ok(await consent.GetAsync(id, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<ConsentDto>> SetConsent(Guid id, ConsentRequest request, HttpContext context, ConsentService consent, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        var actor = context.User.UserId();
        return TypedResults.Ok(await consent.SetAsync(id, actor, actor == id, request, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<NoContent> SetPreferences(
        Guid id, PatientPreferencesRequest request, HttpContext context, PatientPreferences preferences, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        await preferences.SetAsync(id, context.User.UserId(), request, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ReminderPlanDto>>> Plans(Guid id, HttpContext context, PatientRecords records, ReminderQueries queries, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        await records.LoadAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await queries.PlansAsync(id, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<ReminderPlanDto>> Shift(
        Guid id, Guid planId, TimeShiftRequest request, HttpContext context, PatientPreferences preferences, ReminderQueries queries, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        var plan = await preferences.ShiftAsync(id, planId, context.User.UserId(), request, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(await queries.ToDtoAsync(plan, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<PatientRemindersDto>> Reminders(
        Guid id, DateTimeOffset? from, DateTimeOffset? to, HttpContext context, ReminderQueries queries, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        return TypedResults.Ok(await queries.RemindersAsync(id, context.User.UserId(), from, to, cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<AdherenceDto>> Adherence(Guid id, HttpContext context, ReminderQueries queries, CancellationToken cancellationToken)
    {
        PatientAccess.Require(context.User, id);
        return TypedResults.Ok(await queries.AdherenceAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<PatientInvitationDto>> Invite(Guid id, HttpContext context, PatientInvitations invitations, CancellationToken cancellationToken)
    {
        PatientAccess.RequireCareTeam(context.User);
        return TypedResults.Ok(await invitations.InviteAsync(id, context.User.UserId(), cancellationToken).ConfigureAwait(false));
    }

    private static async Task<Ok<PatientDto>> Accept(
        AcceptInvitationRequest request, PatientInvitations invitations, PatientRecords records, CancellationToken cancellationToken) =>
        TypedResults.Ok(await invitations.AcceptAsync(request, records, cancellationToken).ConfigureAwait(false));
}
