namespace Vigil.Contracts;

/// <summary>
/// A send. <paramref name="ClientMessageId"/> is chosen by the client and makes retries idempotent: the same id in the
/// same conversation from the same sender returns the message stored the first time.
/// </summary>
public sealed record SendMessageRequest(
    string ClientMessageId,
    string Body,
    Guid? ReplyToId = null,
    IReadOnlyList<Guid>? AttachmentIds = null);

public sealed record EditMessageRequest(string Body, string Reason);

public sealed record DeleteMessageRequest(string Reason);

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, string Sha256);

/// <summary>
/// A message as members see it. A deleted message keeps its place in the sequence as a tombstone:
/// <see cref="Body"/> is null and <see cref="DeletedReason"/> says why. When the content was erased (its key
/// destroyed under GDPR Art. 17), <see cref="Body"/> is null and <see cref="ContentErased"/> is true.
/// </summary>
public sealed record MessageDto(
    Guid Id,
    Guid ConversationId,
    long Sequence,
    Guid SenderId,
    string? Body,
    DateTimeOffset SentAt,
    string ClientMessageId,
    Guid? ReplyToId,
    int Version,
    DateTimeOffset? EditedAt,
    bool Deleted,
    DateTimeOffset? DeletedAt,
    Guid? DeletedBy,
    string? DeletedReason,
    IReadOnlyList<Guid> Mentions,
    IReadOnlyList<AttachmentDto> Attachments,
    bool ContentErased = false);

/// <summary>One value a message has had. <see cref="Body"/> is null for readers who may not see deleted content.</summary>
public sealed record MessageVersionDto(int Version, string? Body, Guid AuthorId, DateTimeOffset At, string? Reason);

public sealed record MessageHistoryDto(
    Guid MessageId,
    Guid ConversationId,
    IReadOnlyList<MessageVersionDto> Versions,
    bool Deleted,
    DateTimeOffset? DeletedAt,
    Guid? DeletedBy,
    string? DeletedReason);
