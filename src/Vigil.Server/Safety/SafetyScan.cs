namespace Vigil.Server.Safety;

/// <summary>The safety outbox: a message version waiting to be screened for adverse events and misplaced PHI.</summary>
public sealed class SafetyScan
{
    public Guid MessageId { get; set; }

    public int Version { get; set; }

    public DateTimeOffset EnqueuedAt { get; set; }

    /// <summary>The sender was warned about identifying information and sent anyway.</summary>
    public bool PhiAcknowledged { get; set; }
}
