using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Patients;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Reminders;

/// <summary>
/// A patient's answer to a dose reminder (taken, skipped with a reason, snooze), or a clinician recording it for
/// them. Each answer is the dose's adherence record and a ledger entry.
/// </summary>
public sealed class ReminderResponses(VigilDbContext db, DataKeyStore dataKeys, LedgerAppender ledger, TimeProvider time, IOptions<PatientsOptions> options)
{
    /// <summary>How long after its time a dose can still be reported taken or skipped.</summary>
    public static readonly TimeSpan AnswerableFor = TimeSpan.FromHours(24);

    public async Task<ReminderResponseDto> RespondAsync(Guid reminderId, ClaimsPrincipal user, ReminderResponseRequest? request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        var action = request?.Action?.Trim().ToLowerInvariant();
        if (action is null || !ReminderQuickReplies.All.Contains(action))
        {
            throw ProblemException.Validation($"action must be one of: {string.Join(", ", ReminderQuickReplies.All)}.");
        }

        var reasonProblem = TextInput.Problem(request!.Reason, "reason", 1000, allowLineBreaks: true, required: false);
        if (reasonProblem is not null)
        {
            throw ProblemException.Validation(reasonProblem);
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var reminder = await db.Reminders.SingleOrDefaultAsync(r => r.Id == reminderId, cancellationToken).ConfigureAwait(false)
            ?? throw ProblemException.NotFound("The reminder");
        PatientAccess.Require(user, reminder.PatientId);
        if (!reminder.IsDose)
        {
            throw ProblemException.Validation("Only medication reminders take an answer.");
        }

        if (reminder.DueAt - now > TimeSpan.FromHours(2) || now - reminder.DueAt > AnswerableFor)
        {
            throw ProblemException.Conflict("This dose can be answered from 2 hours before to 24 hours after its time.");
        }

        if (reminder.Outcome is DoseOutcomes.Taken or DoseOutcomes.Skipped)
        {
            throw ProblemException.Conflict($"This dose was already recorded as {reminder.Outcome}.");
        }

        DateTimeOffset? next = null;
        switch (action)
        {
            case ReminderQuickReplies.Snooze:
                if (reminder.Status != ReminderStatuses.Sent || reminder.Outcome is not null)
                {
                    throw ProblemException.Conflict("Only a sent, unanswered reminder can be snoozed.");
                }

                if (reminder.Snoozes >= options.Value.MaxSnoozes)
                {
                    throw ProblemException.Conflict($"A reminder can be snoozed at most {options.Value.MaxSnoozes} times.");
                }

                reminder.Snoozes++;
                reminder.Status = ReminderStatuses.Scheduled;
                reminder.DeliverAt = now + options.Value.SnoozeFor;
                next = reminder.DeliverAt;
                break;
            default:
                reminder.Outcome = action;
                if (!string.IsNullOrWhiteSpace(request.Reason)
                    && await dataKeys.GetAsync(db, reminder.PatientId, cancellationToken).ConfigureAwait(false) is { } key)
                {
                    reminder.Note = ContentCipher.Encrypt(key, reminder.Id, request.Reason.Trim());
                }

                reminder.RespondedAt = now;
                break;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var actor = user.UserId();
        await ledger.AppendAsync(db, [new LedgerEvent(actor, LedgerActions.DoseRecorded, $"reminder/{reminder.Id:D}",
            actor == reminder.PatientId ? action : $"{action} (recorded by care team)")], now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ReminderResponseDto(reminder.Id, reminder.Status, reminder.Outcome, next);
    }
}
