namespace Vigil.Server.Bots;

/// <summary>A bot account's API token: long-lived, scoped, stored as a hash, revocable.</summary>
public sealed class BotToken
{
    public Guid Id { get; set; }

    public Guid BotUserId { get; set; }

    public required string TokenHash { get; set; }

    /// <summary>Space-separated <see cref="BotScopes"/>.</summary>
    public required string Scopes { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>What a bot token may do; a bot also needs membership, like anyone, to touch a conversation.</summary>
public static class BotScopes
{
    public const string ConversationsRead = "conversations:read";
    public const string MessagesRead = "messages:read";
    public const string MessagesWrite = "messages:write";

    public static IReadOnlyList<string> All { get; } = [ConversationsRead, MessagesRead, MessagesWrite];

    /// <summary>The scope a bot request needs, or null when bots may not call it at all.</summary>
    public static string? Required(string method, string path)
    {
        if (!path.StartsWith("/api/v1/", StringComparison.Ordinal))
        {
            return null;
        }

        var get = HttpMethods.IsGet(method);
        if (path.StartsWith("/api/v1/conversations", StringComparison.Ordinal))
        {
            if (path.EndsWith("/messages", StringComparison.Ordinal))
            {
                return get ? MessagesRead : HttpMethods.IsPost(method) ? MessagesWrite : null;
            }

            return get && !path.Contains("/attachments", StringComparison.Ordinal) ? ConversationsRead : null;
        }

        if (path.StartsWith("/api/v1/messages/", StringComparison.Ordinal))
        {
            return get ? MessagesRead : HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method) ? MessagesWrite : null;
        }

        return path == "/api/v1/users/me" && get ? ConversationsRead : null;
    }
}
