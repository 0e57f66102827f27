using Vigil.Contracts;

namespace Vigil.Server.Safety;

/// <summary>
/// A possible adverse-event report found in a conversation, in the SafetyOfficers' triage queue. Day 0 is the day the
/// message was received (EMA GVP Module VI, ICH E2D); the due date follows from the seriousness the officer sets.
/// </summary>
public sealed class SafetyCase
{
    public Guid Id { get; set; }

    public Guid MessageId { get; set; }

    /// <summary>The immutable version of the message the case was raised on.</summary>
    public int MessageVersion { get; set; }

    public Guid ConversationId { get; set; }

    /// <summary><see cref="SafetyCaseSources"/>.</summary>
    public required string Source { get; set; }

    public double? Score { get; set; }

    /// <summary>The detected drug and event mentions (text and offsets) as JSON, encrypted with the conversation's key.</summary>
    public string? Mentions { get; set; }

    public bool IdentifiablePatient { get; set; }

    public bool IdentifiableReporter { get; set; }

    public bool SuspectProduct { get; set; }

    public bool AdverseEvent { get; set; }

    /// <summary>Day 0: when the company received the minimum information (the message's time).</summary>
    public DateTimeOffset DayZero { get; set; }

    /// <summary><see cref="SafetyCaseSeriousness"/>; null until an officer decides.</summary>
    public string? Seriousness { get; set; }

    /// <summary><see cref="SafetyCaseStatuses"/>.</summary>
    public required string Status { get; set; }

    public Guid? AssigneeId { get; set; }

    public DateTimeOffset OpenedAt { get; set; }

    public Guid? OpenedBy { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>An officer's note on a case, encrypted with the conversation's key.</summary>
public sealed class SafetyCaseNote
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    public Guid AuthorId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Text { get; set; }
}
