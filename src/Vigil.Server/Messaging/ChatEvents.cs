using Vigil.Contracts;

namespace Vigil.Server.Messaging;

/// <summary>Something committed that connected members should hear about.</summary>
public abstract record ChatEvent(Guid ConversationId);

public sealed record MessageCreatedEvent(MessageDto Message) : ChatEvent(Message.ConversationId);

public sealed record MessageEditedEvent(MessageDto Message) : ChatEvent(Message.ConversationId);

public sealed record MessageDeletedEvent(MessageDto Message) : ChatEvent(Message.ConversationId);

public sealed record ReadReceiptEvent(ReadReceiptDto Receipt) : ChatEvent(Receipt.ConversationId);

/// <summary>Receives events after their transaction committed, in commit order (the real-time layer implements it).</summary>
public interface IChatEventSink
{
    void Publish(IReadOnlyList<ChatEvent> events);
}
