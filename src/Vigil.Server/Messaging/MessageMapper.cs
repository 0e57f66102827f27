using Vigil.Contracts;
using Vigil.Server.Attachments;

namespace Vigil.Server.Messaging;

internal static class MessageMapper
{
    /// <summary>
    /// A deleted message is a tombstone to members: its place and reason, not its content.
    /// <paramref name="plaintext"/> is the decrypted body, or null when its key was destroyed.
    /// </summary>
    public static MessageDto ToDto(this Message message, string? plaintext) =>
        new(message.Id, message.ConversationId, message.Sequence, message.SenderId,
            message.DeletedAt is null ? plaintext : null,
            message.SentAt, message.ClientMessageId, message.ReplyToId, message.Version, message.EditedAt,
            message.DeletedAt is not null, message.DeletedAt, message.DeletedBy, message.DeletedReason,
            message.Mentions, [.. message.Attachments.Select(a => a.ToDto())],
            ContentErased: plaintext is null && message.DeletedAt is null,
            Reminder: message.ReminderId is { } reminderId ? new ReminderPromptDto(reminderId, ReminderQuickReplies.All) : null,
            Automated: message.Automated);

    public static AttachmentDto ToDto(this Attachment attachment) =>
        new(attachment.Id, attachment.FileName, attachment.ContentType, attachment.Size, attachment.Sha256);
}
