using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Conversations;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Patients;

/// <summary>
/// Links a patient profile to a user account. A clinician creates a one-time code (handed to the patient in person
/// or by their usual channel); the patient redeems it by choosing a username and password. The account gets the
/// profile's id, so one data key covers the profile and the conversation, and the patient conversation opens with
/// the inviting clinician and the care bot.
/// </summary>
public sealed class PatientInvitations(
    VigilDbContext db,
    UserAdministration users,
    ConversationService conversations,
    CareBot bot,
    LedgerAppender ledger,
    TimeProvider time,
    IOptions<PatientsOptions> options)
{
    public async Task<PatientInvitationDto> InviteAsync(Guid patientId, Guid clinicianId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var profile = await db.PatientProfiles.SingleOrDefaultAsync(p => p.Id == patientId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The patient");
        if (profile.HasAccount || profile.Erased)
        {
            throw ProblemException.Conflict(profile.Erased ? "The patient was erased." : "The patient already has an account.");
        }

        // Short enough to read out or type, long enough (about 60 bits) not to be guessed before it expires.
        var code = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 12);
        profile.InvitationCodeHash = TokenHash.Of(code);
        profile.InvitationExpiresAt = now + options.Value.InvitationLifetime;
        profile.InvitedBy = clinicianId;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(clinicianId, LedgerActions.PatientInvited, $"patient/{patientId:D}")], now, cancellationToken)
            .ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new PatientInvitationDto(patientId, code, profile.InvitationExpiresAt.Value);
    }

    public async Task<PatientDto> AcceptAsync(AcceptInvitationRequest? request, PatientRecords records, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request?.Code))
        {
            throw ProblemException.Validation("code is required.");
        }

        var hash = TokenHash.Of(request.Code.Trim().ToUpperInvariant());
        var now = time.GetUtcNow();
        var profile = await db.PatientProfiles.SingleOrDefaultAsync(p => p.InvitationCodeHash == hash, cancellationToken).ConfigureAwait(false);
        if (profile is null || profile.InvitationExpiresAt < now || profile.HasAccount || profile.Erased)
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, ProblemTypes.Validation, "Invalid invitation",
                "The invitation code is not valid or has expired; ask your care team for a new one.");
        }

        var demographics = await records.DemographicsAsync(profile, cancellationToken).ConfigureAwait(false);
        await users.CreateAsync(new CreateUserRequest(request.UserName, request.Password,
            string.IsNullOrWhiteSpace(request.DisplayName) ? demographics?.Name ?? request.UserName : request.DisplayName,
            request.Email, Roles: [VigilRoles.Patient]), actorId: profile.InvitedBy, cancellationToken, id: profile.Id).ConfigureAwait(false);
        var botId = await bot.IdAsync(cancellationToken).ConfigureAwait(false);
        var (conversation, _) = await conversations.CreateAsync(profile.InvitedBy!.Value, creatorIsPatient: false,
            new CreateConversationRequest(ConversationKinds.Patient, [profile.Id, botId], Title: "Your care team"), cancellationToken).ConfigureAwait(false);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        profile.HasAccount = true;
        profile.ConversationId = conversation.Id;
        profile.InvitationCodeHash = null;
        profile.InvitationExpiresAt = null;
        profile.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(profile.Id, LedgerActions.PatientLinked, $"patient/{profile.Id:D}",
            $"account and conversation {conversation.Id:D}")], now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return await records.GetAsync(profile.Id, profile.Id, cancellationToken).ConfigureAwait(false);
    }
}
