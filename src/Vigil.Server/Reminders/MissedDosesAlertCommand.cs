using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Messaging;
using Vigil.Server.Problems;

namespace Vigil.Server.Reminders;

/// <summary>
/// Tells the care team, in the patient conversation, that the patient missed several doses in a row. Raised once per
/// run of misses: the doses are flagged in the same commit as the message.
/// </summary>
internal sealed class MissedDosesAlertCommand(Guid patientId, IReadOnlyList<Guid> reminderIds, Guid botId) : WriteCommand<bool>
{
    protected override async Task<bool> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var doses = await batch.Db.Reminders.Where(r => reminderIds.Contains(r.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (doses.Count == 0 || doses.Any(d => d.AlertRaised))
        {
            return false;
        }

        foreach (var dose in doses)
        {
            dose.AlertRaised = true;
        }

        var conversationId = await batch.Db.PatientProfiles.Where(p => p.Id == patientId && !p.Erased)
            .Select(p => p.ConversationId).SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (conversationId is null)
        {
            return false;
        }

        var times = string.Join(", ", doses.OrderBy(d => d.DueAt).Select(d => d.LocalTime.Length >= 16 ? d.LocalTime[..16].Replace('T', ' ') : d.LocalTime));
        var body = string.Create(CultureInfo.InvariantCulture,
            $"⚠️ **Care team:** {doses.Count} doses in a row were missed ({times}). Please check in with the patient.");
        try
        {
            await new SendMessageCommand(conversationId.Value, botId,
                    new SendMessageRequest(ClientMessageId: $"missed-alert:{doses.Max(d => d.Id):N}", Body: body))
            { Automated = true }
                .StageAsync(batch, reminderId: null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ProblemException)
        {
            // No consent to messaging: the flag stays set (the alert is not retried every pass); adherence shows the misses.
            return false;
        }
    }
}
