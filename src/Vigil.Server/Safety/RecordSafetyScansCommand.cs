using Microsoft.EntityFrameworkCore;
using Vigil.Server.Ledger;
using Vigil.Server.Messaging;

namespace Vigil.Server.Safety;

/// <summary>What screening one outbox row produced: nothing, or a case to open.</summary>
internal sealed record SafetyScanResult(Guid MessageId, int Version, SafetyCase? Case);

/// <summary>
/// Records screening results in the writer's transaction: outbox rows go, cases open (once per message version, so a
/// second node screening the same row opens nothing), and each case is a ledger entry.
/// </summary>
internal sealed class RecordSafetyScansCommand(IReadOnlyList<SafetyScanResult> results) : WriteCommand<List<SafetyCase>>
{
    protected override async Task<List<SafetyCase>> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        var opened = new List<SafetyCase>();
        foreach (var result in results)
        {
            var removed = await batch.Db.SafetyScans.Where(s => s.MessageId == result.MessageId && s.Version == result.Version)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (removed == 0 || result.Case is not { } safetyCase
                || await batch.Db.SafetyCases.AnyAsync(c => c.MessageId == result.MessageId && c.MessageVersion == result.Version, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            batch.Db.SafetyCases.Add(safetyCase);
            batch.LedgerEvents.Add(new LedgerEvent(null, LedgerActions.SafetyCaseOpened, $"safety-case/{safetyCase.Id:D}",
                $"{safetyCase.Source} on {LedgerActions.MessageTarget(safetyCase.MessageId, safetyCase.MessageVersion)}, score {safetyCase.Score:0.000}"));
            opened.Add(safetyCase);
        }

        return opened;
    }
}
