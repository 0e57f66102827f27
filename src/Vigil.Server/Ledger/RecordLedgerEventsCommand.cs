using Vigil.Server.Messaging;

namespace Vigil.Server.Ledger;

/// <summary>Events that change nothing else (a sign-in, a read of patient data) join the next group commit.</summary>
internal sealed class RecordLedgerEventsCommand(IReadOnlyList<LedgerEvent> events) : WriteCommand<int>
{
    protected override Task<int> ExecuteAsync(WriteBatch batch, CancellationToken cancellationToken)
    {
        batch.LedgerEvents.AddRange(events);
        return Task.FromResult(events.Count);
    }
}

/// <summary>
/// Records standalone events through the single writer rather than from a connection of their own, which would make
/// the writer wait on SQLite's lock. Returns once the events are durable, so an audited read is logged before its
/// data leaves the server.
/// </summary>
public sealed class LedgerRecorder(MessageWriter writer)
{
    public Task RecordAsync(CancellationToken cancellationToken, params LedgerEvent[] events) =>
        writer.SubmitAsync(new RecordLedgerEventsCommand(events), cancellationToken);

    /// <summary>HIPAA §164.312(b): every read of a patient conversation is logged with who and what.</summary>
    public Task RecordPatientReadAsync(Guid actorId, Guid conversationId, string what, CancellationToken cancellationToken) =>
        RecordAsync(cancellationToken, new LedgerEvent(actorId, LedgerActions.PatientDataRead, LedgerActions.ConversationTarget(conversationId), what));
}
