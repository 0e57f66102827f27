namespace Vigil.Contracts;

/// <summary>Wire names of conversation kinds.</summary>
public static class ConversationKinds
{
    public const string Direct = "direct";
    public const string Group = "group";
    public const string Channel = "channel";
    public const string Patient = "patient";

    public static IReadOnlyList<string> All { get; } = [Direct, Group, Channel, Patient];
}

/// <summary>Wire names of a member's role inside one conversation.</summary>
public static class MemberRoles
{
    public const string Owner = "owner";
    public const string Member = "member";
    public const string ReadOnly = "read-only";

    public static IReadOnlyList<string> All { get; } = [Owner, Member, ReadOnly];
}

/// <summary>
/// <paramref name="Visibility"/> applies to channels only: <c>public</c> (any colleague may join) or <c>private</c>.
/// </summary>
public sealed record CreateConversationRequest(
    string Kind,
    IReadOnlyList<Guid> MemberIds,
    string? Title = null,
    string? Visibility = null);

/// <summary>A conversation of the caller and the sequence of its newest message (0 when it has none).</summary>
public sealed record ConversationHeadDto(Guid ConversationId, long LastSequence);

public sealed record ConversationMemberDto(Guid UserId, string Role, long LastReadSequence);

public sealed record ConversationDto(
    Guid Id,
    string Kind,
    string? Title,
    string? Visibility,
    DateTimeOffset CreatedAt,
    long LastSequence,
    IReadOnlyList<ConversationMemberDto> Members);

public sealed record AddMemberRequest(Guid UserId, string? Role = null);

public sealed record MarkReadRequest(long Sequence);

public sealed record ReadReceiptDto(Guid ConversationId, Guid UserId, long Sequence);

public sealed record TypingDto(Guid ConversationId, Guid UserId, DateTimeOffset At);

public static class PresenceStatuses
{
    public const string Online = "online";
    public const string Away = "away";
    public const string Offline = "offline";
}

public sealed record PresenceDto(Guid UserId, string Status, DateTimeOffset At);
