namespace Vigil.Server.Safety;

/// <summary>
/// Identifying information found in a message of a conversation not cleared for PHI, for compliance officers to
/// review. The findings (the PHI itself) are encrypted with the conversation's key.
/// </summary>
public sealed class PhiFlag
{
    public Guid Id { get; set; }

    public Guid MessageId { get; set; }

    public int MessageVersion { get; set; }

    public Guid ConversationId { get; set; }

    public Guid SenderId { get; set; }

    /// <summary>The kinds found, comma-separated (not PHI: "person,phone").</summary>
    public required string Types { get; set; }

    /// <summary><see cref="Contracts.PhiSpanDto"/> list as JSON, encrypted.</summary>
    public required string Findings { get; set; }

    public bool SenderAcknowledged { get; set; }

    public DateTimeOffset FlaggedAt { get; set; }

    public Guid? ReviewedBy { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }
}
