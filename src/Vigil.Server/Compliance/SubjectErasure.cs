using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Reminders;
using Vigil.Server.Validation;

namespace Vigil.Server.Compliance;

public sealed record ErasureResult(Guid SubjectId, string SubjectKind, int DataKeysDestroyed, int CommitmentKeysDestroyed);

/// <summary>
/// GDPR Art. 17 by crypto-shredding: the subject's keys are destroyed, so their content is unreadable everywhere it
/// was copied (database, replicas, later backups), while history keeps its shape and the ledger still verifies. The
/// erasure is itself a ledger entry. A legal hold blocks it.
/// </summary>
public sealed partial class SubjectErasure(
    VigilDbContext db,
    IKeyRevocations revocations,
    LedgerAppender ledger,
    SessionService sessions,
    TimeProvider time,
    ILogger<SubjectErasure> logger)
{
    public async Task<ErasureResult> EraseAsync(Guid subjectId, string reason, Guid? actorId, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(reason, "reason", 1000, allowLineBreaks: true);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        var now = time.GetUtcNow();
        string kind;
        List<Guid> commitmentSubjects;
        VigilUser? user = null;
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == subjectId, cancellationToken).ConfigureAwait(false);
        if (conversation is not null)
        {
            if (conversation.Kind == ConversationKinds.Patient)
            {
                throw ProblemException.Validation("A patient conversation is erased with its patient: give the patient's user id.");
            }

            RefuseIfHeld(conversation.LegalHold, $"conversation {conversation.Id}");
            kind = "conversation";
            commitmentSubjects = [conversation.Id];
        }
        else
        {
            user = await db.Users.SingleOrDefaultAsync(u => u.Id == subjectId, cancellationToken).ConfigureAwait(false);
            var isPatient = await db.PatientProfiles.AnyAsync(p => p.Id == subjectId, cancellationToken).ConfigureAwait(false);
            if (user is null && !isPatient)
            {
                throw ProblemException.NotFound("The subject");
            }

            RefuseIfHeld(user?.LegalHold == true, $"user {subjectId}");
            var patientConversations = await db.Conversations.Where(c => c.PatientId == subjectId).ToListAsync(cancellationToken).ConfigureAwait(false);
            foreach (var held in patientConversations.Where(c => c.LegalHold))
            {
                RefuseIfHeld(true, $"conversation {held.Id}");
            }

            kind = patientConversations.Count > 0 || isPatient ? "patient" : "user";
            commitmentSubjects = [.. patientConversations.Select(c => c.Id)];
        }

        int destroyedData, destroyedCommitments;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            destroyedData = await db.DataKeys.Where(k => k.SubjectId == subjectId && k.WrappedKey != null)
                .ExecuteUpdateAsync(k => k
                    .SetProperty(x => x.WrappedKey, (byte[]?)null)
                    .SetProperty(x => x.DestroyedAt, now)
                    .SetProperty(x => x.DestroyedReason, reason), cancellationToken).ConfigureAwait(false);
            destroyedCommitments = await db.CommitmentKeys.Where(k => commitmentSubjects.Contains(k.SubjectId))
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            // The search index of the erased content is unusable without the key; its rows go too.
            await Search.SearchPostings.For(db).RemoveConversationsAsync(db, commitmentSubjects, cancellationToken).ConfigureAwait(false);
            // A patient's profile and plans are sealed with the destroyed key; nothing more is scheduled or sent.
            await db.PatientProfiles.Where(p => p.Id == subjectId).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Erased, true)
                .SetProperty(x => x.MessagingConsent, false)
                .SetProperty(x => x.ReminderConsent, false)
                .SetProperty(x => x.InvitationCodeHash, (string?)null), cancellationToken).ConfigureAwait(false);
            await db.ReminderPlans.Where(p => p.PatientId == subjectId).ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, ReminderPlanStatuses.Ended)
                .SetProperty(x => x.Problem, "patient erased"), cancellationToken).ConfigureAwait(false);
            await db.Reminders.Where(r => r.PatientId == subjectId && r.Status == ReminderStatuses.Scheduled)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (user is not null)
            {
                // The profile is personal data too; the account row stays so history keeps its author ids.
                user.DisplayName = "Erased user";
                user.UserName = $"erased-{user.Id:N}";
                user.NormalizedUserName = user.UserName.ToUpperInvariant();
                user.Email = null;
                user.NormalizedEmail = null;
                user.PhoneNumber = null;
                user.Disabled = true;
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            }

            await ledger.AppendAsync(db, [new LedgerEvent(actorId, LedgerActions.SubjectErased, $"subject/{subjectId:D}", reason)], now, cancellationToken)
                .ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        // Committed: every node's caches must let go, whatever became of this request.
        await revocations.RevokeAsync(subjectId, commitmentSubjects, CancellationToken.None).ConfigureAwait(false);

        if (user is not null)
        {
            await sessions.RevokeAllAsync(user.Id, "erased", cancellationToken).ConfigureAwait(false);
        }

        LogErased(subjectId, kind, destroyedData, destroyedCommitments);
        return new ErasureResult(subjectId, kind, destroyedData, destroyedCommitments);
    }

    public async Task SetLegalHoldAsync(Guid subjectId, bool hold, string reason, Guid? actorId, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(reason, "reason", 1000, allowLineBreaks: true);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var conversation = await db.Conversations.SingleOrDefaultAsync(c => c.Id == subjectId, cancellationToken).ConfigureAwait(false);
        if (conversation is not null)
        {
            conversation.LegalHold = hold;
        }
        else
        {
            var user = await db.Users.SingleOrDefaultAsync(u => u.Id == subjectId, cancellationToken).ConfigureAwait(false)
                ?? throw ProblemException.NotFound("The subject");
            user.LegalHold = hold;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await ledger.AppendAsync(db, [new LedgerEvent(actorId, hold ? LedgerActions.LegalHoldPlaced : LedgerActions.LegalHoldLifted,
            $"subject/{subjectId:D}", reason)], time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void RefuseIfHeld(bool held, string what)
    {
        if (held)
        {
            throw ProblemException.Conflict($"{what} is under legal hold; lift the hold before erasing.");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subject {SubjectId} ({Kind}) erased: {DataKeys} data key(s), {CommitmentKeys} commitment key(s) destroyed")]
    private partial void LogErased(Guid subjectId, string kind, int dataKeys, int commitmentKeys);
}
