namespace Vigil.Contracts;

/// <summary>
/// A send. <paramref name="ClientMessageId"/> is chosen by the client and makes retries idempotent: the same id in the
/// same conversation from the same sender returns the message stored the first time.
/// </summary>
/// <param name="PhiAcknowledged">
/// The sender was warned that the message carries identifying information (<c>POST …/phi-check</c>) and sends it
/// anyway; recorded, and the message is still flagged to compliance officers.
/// </param>
public sealed record SendMessageRequest(
    string ClientMessageId,
    string Body,
    Guid? ReplyToId = null,
    IReadOnlyList<Guid>? AttachmentIds = null,
    bool PhiAcknowledged = false);

public sealed record EditMessageRequest(string Body, string Reason);

public sealed record DeleteMessageRequest(string Reason);

public sealed record AttachmentDto(Guid Id, string FileName, string ContentType, long Size, string Sha256);

/// <summary>
/// A message as members see it. A deleted message keeps its place in the sequence as a tombstone:
/// <see cref="Body"/> is null and <see cref="DeletedReason"/> says why. When the content was erased (its key
/// destroyed under GDPR Art. 17), <see cref="Body"/> is null and <see cref="ContentErased"/> is true.
/// <see cref="Signatures"/> carries the Part 11 signature manifestations where the record is read (pages and single
/// reads; pushes leave it null).
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
    bool ContentErased = false,
    IReadOnlyList<SignatureDto>? Signatures = null,
    ReminderPromptDto? Reminder = null,
    bool Automated = false);

/// <summary>
/// On a reminder from the care bot: the reminder to answer and the quick replies it offers
/// (<c>POST /api/v1/reminders/{id}/responses</c> with one of them).
/// </summary>
public sealed record ReminderPromptDto(Guid ReminderId, IReadOnlyList<string> QuickReplies);

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

/// <summary>Wire names of what a signature means (21 CFR Part 11 §11.50(a)(3)).</summary>
public static class SignatureMeanings
{
    public const string Authored = "authored";
    public const string Reviewed = "reviewed";
    public const string Approved = "approved";
    public const string Responsibility = "responsibility";

    public static IReadOnlyList<string> All { get; } = [Authored, Reviewed, Approved, Responsibility];
}

/// <summary>
/// Signing re-authenticates inside the request (§11.200(a)): the password, and the TOTP code when enrolled.
/// <paramref name="Version"/>, when given, must be the current version: the signer signs what they read.
/// </summary>
public sealed record SignMessageRequest(string Meaning, string Password, string? TotpCode = null, int? Version = null);

/// <summary>A signature of a message version (<paramref name="MessageId"/>) or of an attachment (<paramref name="AttachmentId"/>).</summary>
public sealed record SignatureDto(
    Guid Id,
    Guid? MessageId,
    int Version,
    Guid SignerId,
    string SignerName,
    string Meaning,
    DateTimeOffset SignedAt,
    string ContentCommitment,
    bool AppliesToCurrentVersion,
    string Manifestation,
    Guid? AttachmentId = null);

/// <summary>The answers a patient can give to a medication reminder.</summary>
public static class ReminderQuickReplies
{
    public const string Taken = "taken";
    public const string Skipped = "skipped";
    public const string Snooze = "snooze";

    public static IReadOnlyList<string> All { get; } = [Taken, Skipped, Snooze];
}
