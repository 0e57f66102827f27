namespace Vigil.Server.Conversations;

public sealed class Conversation
{
    public Guid Id { get; set; }

    public required string Kind { get; set; }

    public string? Title { get; set; }

    /// <summary><c>public</c> or <c>private</c> for channels; null for other kinds.</summary>
    public string? Visibility { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid CreatedBy { get; set; }

    /// <summary>The highest sequence handed out; the next message gets this plus one (gapless per conversation).</summary>
    public long LastSequence { get; set; }

    /// <summary>For direct conversations: the two member ids in a canonical order, so a pair has one conversation.</summary>
    public string? DirectKey { get; set; }

    /// <summary>For patient conversations: the patient, whose key encrypts the conversation.</summary>
    public Guid? PatientId { get; set; }

    /// <summary>
    /// Messages here are screened for adverse events after they commit (patient conversations always; HCP-facing and
    /// patient-support channels when an administrator says so).
    /// </summary>
    public bool SafetyMonitored { get; set; }

    /// <summary>
    /// Cleared for protected health information (patient and care conversations). Elsewhere (research, general
    /// channels) the PHI guard warns senders and flags what gets through to compliance officers.
    /// </summary>
    public bool PhiAllowed { get; set; }

    /// <summary>Under legal hold nothing in the conversation may be erased.</summary>
    public bool LegalHold { get; set; }

    public List<ConversationMember> Members { get; set; } = [];
}

public sealed class ConversationMember
{
    public Guid ConversationId { get; set; }

    public Guid UserId { get; set; }

    public required string Role { get; set; }

    public DateTimeOffset JoinedAt { get; set; }

    public long LastReadSequence { get; set; }
}
