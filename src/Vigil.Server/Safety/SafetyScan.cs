namespace Vigil.Server.Safety;

/// <summary>The safety outbox: a message version waiting to be screened for adverse events.</summary>
public sealed class SafetyScan
{
    public Guid MessageId { get; set; }

    public int Version { get; set; }

    public DateTimeOffset EnqueuedAt { get; set; }
}
