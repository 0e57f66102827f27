using Microsoft.EntityFrameworkCore;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;

namespace Vigil.Server.Safety;

/// <summary>What screening one outbox row produced: nothing, a case to open, PHI to flag, or both.</summary>
internal sealed record SafetyScanResult(Guid MessageId, int Version, SafetyCase? Case, PhiFlag? Flag = null);

/// <summary>What a batch of screening opened and flagged, for the notifications that follow the commit.</summary>
internal sealed record SafetyScanOutcome(List<SafetyCase> Cases, List<PhiFlag> Flags);

/// <summary>
/// Records screening results in the writer's transaction: outbox rows go, cases open (once per message version, so a
/// second node screening the same row opens nothing), and each case is a ledger entry.
/// </summary>
internal sealed class RecordSafetyScansCommand(IReadOnlyList<SafetyScanResult> results) : WriteCommand<SafetyScanOutcome>
{
    public override bool IsBackground => true;

    protected override async Task<SafetyScanOutcome> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var opened = new List<SafetyCase>();
        var flagged = new List<PhiFlag>();
        foreach (var result in results)
        {
            var removed = await batch.Db.SafetyScans.Where(s => s.MessageId == result.MessageId && s.Version == result.Version)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (removed > 0 && result.Flag is { } flag)
            {
                batch.Db.PhiFlags.Add(flag);
                batch.LedgerEvents.Add(new LedgerEvent(flag.SenderId, LedgerActions.PhiFlagged, LedgerActions.MessageTarget(flag.MessageId, flag.MessageVersion),
                    $"{flag.Types}{(flag.SenderAcknowledged ? "; sent after the warning" : "")}"));
                flagged.Add(flag);
            }

            if (removed == 0 || result.Case is not { } safetyCase
                || await batch.Db.SafetyCases.AnyAsync(c => c.MessageId == result.MessageId && c.MessageVersion == result.Version, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            batch.Db.SafetyCases.Add(safetyCase);
            batch.Webhook(Webhooks.WebhookEvents.SafetyCaseOpened, new { caseId = safetyCase.Id, messageId = safetyCase.MessageId, dayZero = safetyCase.DayZero });
            batch.LedgerEvents.Add(new LedgerEvent(null, LedgerActions.SafetyCaseOpened, $"safety-case/{safetyCase.Id:D}",
                $"{safetyCase.Source} on {LedgerActions.MessageTarget(safetyCase.MessageId, safetyCase.MessageVersion)}, score {safetyCase.Score:0.000}"));
            opened.Add(safetyCase);
        }

        return new SafetyScanOutcome(opened, flagged);
    }
}
