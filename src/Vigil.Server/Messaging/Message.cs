namespace Vigil.Server.Messaging;

public sealed class Message
{
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public long Sequence { get; set; }

    public Guid SenderId { get; set; }

    public required string ClientMessageId { get; set; }

    /// <summary>The current Markdown exactly as sent; earlier values live in <see cref="MessageVersion"/>.</summary>
    public required string Body { get; set; }

    public Guid? ReplyToId { get; set; }

    /// <summary>Sent by a bot (the care bot, an incoming webhook), shown as automated to readers.</summary>
    public bool Automated { get; set; }

    /// <summary>Set on the care bot's reminder messages: the reminder the patient answers with a quick reply.</summary>
    public Guid? ReminderId { get; set; }

    public DateTimeOffset SentAt { get; set; }

    public int Version { get; set; } = 1;

    public DateTimeOffset? EditedAt { get; set; }

    public Guid? EditedBy { get; set; }

    /// <summary>Why the current value replaced the previous one; null for an unedited message.</summary>
    public string? EditReason { get; set; }

    public DateTimeOffset? DeletedAt { get; set; }

    public Guid? DeletedBy { get; set; }

    public string? DeletedReason { get; set; }

    public List<Guid> Mentions { get; set; } = [];

    public List<Attachments.Attachment> Attachments { get; set; } = [];
}

/// <summary>
/// A snapshot of a value the message had before an edit, with who wrote it, when, and why:
/// 21 CFR Part 11 §11.10(e), a change never obscures the previous value.
/// </summary>
public sealed class MessageVersion
{
    public Guid MessageId { get; set; }

    public int Version { get; set; }

    public required string Body { get; set; }

    public Guid AuthorId { get; set; }

    public DateTimeOffset WrittenAt { get; set; }

    /// <summary>The reason given when this value was written; null for the original.</summary>
    public string? Reason { get; set; }
}
