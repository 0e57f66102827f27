using Vigil.Contracts;

namespace Vigil.Web.Chat;

public enum OutgoingState
{
    Sending,

    /// <summary>Not stored yet; sent again with the same client message id once the connection is back.</summary>
    Queued,

    /// <summary>Refused by the server (not transient): the sender may edit and retry.</summary>
    Failed,
}

/// <summary>
/// A message the user wrote that the server has not confirmed. Its <see cref="ClientMessageId"/> never changes, so
/// however often it is sent again the server stores it once.
/// </summary>
public sealed class OutgoingMessage(
    Guid conversationId, string body, Guid? replyToId, IReadOnlyList<Guid>? attachmentIds, bool phiAcknowledged)
{
    public string ClientMessageId { get; } = ClientMessageIds.New();

    public Guid ConversationId { get; } = conversationId;

    public string Body { get; } = body;

    public Guid? ReplyToId { get; } = replyToId;

    public IReadOnlyList<Guid>? AttachmentIds { get; } = attachmentIds;

    /// <summary>The sender was warned about identifying information in it and chose to send anyway.</summary>
    public bool PhiAcknowledged { get; } = phiAcknowledged;

    public OutgoingState State { get; set; } = OutgoingState.Sending;

    public string? Error { get; set; }
}
