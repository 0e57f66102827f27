namespace Vigil.Contracts;

public static class SafetyCaseStatuses
{
    public const string New = "new";
    public const string InReview = "in-review";
    public const string ValidCase = "valid-case";
    public const string NotAnAdverseEvent = "not-an-ae";
    public const string Duplicate = "duplicate";
    public const string Submitted = "submitted";

    public static IReadOnlyList<string> All { get; } = [New, InReview, ValidCase, NotAnAdverseEvent, Duplicate, Submitted];
}

public static class SafetyCaseSeriousness
{
    public const string Serious = "serious";
    public const string NonSerious = "non-serious";
}

public static class SafetyCaseSources
{
    public const string Detector = "detector";
    public const string Manual = "manual";
}

/// <summary>A highlighted drug or event in the source message (UTF-16 offsets); <see cref="Context"/> is present, negated or hypothetical.</summary>
public sealed record SafetyMentionDto(string Kind, string Text, int Start, int End, string Context);

/// <summary>The four minimum criteria of a valid ICSR (ICH E2D), each found or missing.</summary>
public sealed record IcsrCriteriaDto(bool IdentifiablePatient, bool IdentifiableReporter, bool SuspectProduct, bool AdverseEvent);

public sealed record SafetyCaseDto(
    Guid Id,
    Guid MessageId,
    int MessageVersion,
    Guid ConversationId,
    string Source,
    double? Score,
    IcsrCriteriaDto Criteria,
    DateTimeOffset DayZero,
    string? Seriousness,
    DateTimeOffset? DueAt,
    string Status,
    Guid? AssigneeId,
    DateTimeOffset OpenedAt,
    DateTimeOffset UpdatedAt,
    string? MessageText,
    IReadOnlyList<SafetyMentionDto> Mentions,
    IReadOnlyList<SafetyCaseNoteDto> Notes);

public sealed record SafetyCaseNoteDto(Guid AuthorId, DateTimeOffset At, string? Text);

/// <summary>Body of <c>PATCH /api/v1/safety/cases/{id}</c>: any of status, seriousness, assignee, and a note to add.</summary>
public sealed record UpdateSafetyCaseRequest(string? Status = null, string? Seriousness = null, Guid? AssigneeId = null, string? Note = null);

/// <summary>Body of <c>POST /api/v1/safety/cases</c>: an officer raises a case from any message.</summary>
public sealed record RaiseSafetyCaseRequest(Guid MessageId, string? Note = null);

/// <summary>Body of <c>PUT /api/v1/conversations/{id}/safety-monitoring</c> (administrators).</summary>
public sealed record SafetyMonitoringRequest(bool Monitored);

/// <summary>A span of identifying information (UTF-16 offsets into the body).</summary>
public sealed record PhiSpanDto(int Start, int End, string Type, string Text);

/// <summary>Body of <c>POST /api/v1/conversations/{id}/phi-check</c>: the draft to check before sending.</summary>
public sealed record PhiCheckRequest(string Body);

/// <summary>Whether the conversation may carry PHI, and what the draft contains if it may not.</summary>
public sealed record PhiCheckDto(bool PhiAllowed, IReadOnlyList<PhiSpanDto> Findings);

/// <summary>Body of <c>PUT /api/v1/conversations/{id}/classification</c> (administrators).</summary>
public sealed record ConversationClassificationRequest(bool PhiAllowed);

/// <summary>A message with identifying information in a conversation not cleared for it, for compliance officers.</summary>
public sealed record PhiFlagDto(
    Guid Id,
    Guid MessageId,
    int MessageVersion,
    Guid ConversationId,
    Guid SenderId,
    IReadOnlyList<string> Types,
    bool SenderAcknowledged,
    DateTimeOffset FlaggedAt,
    string? MessageText,
    IReadOnlyList<PhiSpanDto> Findings,
    Guid? ReviewedBy,
    DateTimeOffset? ReviewedAt);

/// <summary>Body of <c>POST /api/v1/webhooks</c>: events from <c>message.created</c>, <c>safety.case.opened</c>, <c>reminder.missed</c>.</summary>
public sealed record CreateWebhookRequest(string Name, string Url, IReadOnlyList<string> Events);

/// <summary>A new subscription with its signing secret, shown only here.</summary>
public sealed record WebhookCreatedDto(Guid Id, string Name, string Url, IReadOnlyList<string> Events, string Secret);

public sealed record WebhookDto(Guid Id, string Name, string Url, IReadOnlyList<string> Events, int Delivered, int Pending, int Failed);

/// <summary>Body of <c>POST /api/v1/webhooks/incoming</c>.</summary>
public sealed record CreateIncomingWebhookRequest(string Name, Guid ConversationId);

/// <summary>The incoming webhook's URL (with its secret token), shown only here.</summary>
public sealed record IncomingWebhookCreatedDto(Guid Id, string Name, Guid ConversationId, Guid BotUserId, string Url);

/// <summary>Body of <c>POST /api/v1/hooks/{token}</c>.</summary>
public sealed record IncomingWebhookPost(string Text, string? ClientMessageId = null);

/// <summary>Body of <c>POST /api/v1/bots</c>: scopes from <c>conversations:read</c>, <c>messages:read</c>, <c>messages:write</c>.</summary>
public sealed record CreateBotRequest(string Name, IReadOnlyList<string> Scopes);

/// <summary>A new bot account and its API token, shown only here.</summary>
public sealed record BotCreatedDto(Guid UserId, string Name, IReadOnlyList<string> Scopes, string Token);
