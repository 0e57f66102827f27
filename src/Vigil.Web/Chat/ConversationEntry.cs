using Vigil.Contracts;

namespace Vigil.Web.Chat;

/// <summary>A row of the conversation list.</summary>
public sealed class ConversationEntry(ConversationDto conversation)
{
    public ConversationDto Conversation { get; set; } = conversation;

    public Guid Id => Conversation.Id;

    public int Unread { get; set; }

    public string? Preview { get; set; }

    public DateTimeOffset LastActivity { get; set; } = conversation.CreatedAt;

    public Timeline Timeline { get; } = new();

    /// <summary>Who is typing, until when.</summary>
    public Dictionary<Guid, DateTimeOffset> Typing { get; } = [];
}
