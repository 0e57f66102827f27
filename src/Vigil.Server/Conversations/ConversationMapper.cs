using Vigil.Contracts;

namespace Vigil.Server.Conversations;

internal static class ConversationMapper
{
    public static ConversationDto ToDto(this Conversation conversation) =>
        new(conversation.Id, conversation.Kind, conversation.Title, conversation.Visibility, conversation.CreatedAt,
            conversation.LastSequence,
            [.. conversation.Members.OrderBy(m => m.JoinedAt).Select(m => new ConversationMemberDto(m.UserId, m.Role, m.LastReadSequence))]);
}
