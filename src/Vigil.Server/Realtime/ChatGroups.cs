namespace Vigil.Server.Realtime;

/// <summary>SignalR group names: one per conversation (its members' connections) and one per user (their devices).</summary>
internal static class ChatGroups
{
    public static string Conversation(Guid conversationId) => "c:" + conversationId.ToString("N");

    public static string User(Guid userId) => "u:" + userId.ToString("N");
}
