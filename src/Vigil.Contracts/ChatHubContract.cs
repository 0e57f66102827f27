namespace Vigil.Contracts;

/// <summary>Events the server pushes to connected clients.</summary>
public interface IChatClient
{
    Task MessageCreated(MessageDto message);

    Task MessageEdited(MessageDto message);

    Task MessageDeleted(MessageDto message);

    Task Mentioned(MessageDto message);

    Task ReadReceipt(ReadReceiptDto receipt);

    Task Typing(TypingDto typing);

    Task PresenceChanged(PresenceDto presence);

    Task ConversationAdded(ConversationDto conversation);

    /// <summary>To SafetyOfficers only: a new case in the triage queue (never to the conversation's members).</summary>
    Task SafetyCaseOpened(SafetyCaseDto safetyCase);

    /// <summary>To ComplianceOfficers only: identifying information posted where it should not be.</summary>
    Task PhiFlagged(PhiFlagDto flag);
}

/// <summary>Where the hub lives and the names of what clients may invoke on it.</summary>
public static class ChatHubContract
{
    public const string Path = "/hubs/chat";
    public const string SendMessage = nameof(SendMessage);
    public const string MarkRead = nameof(MarkRead);
    public const string Typing = nameof(Typing);
    public const string SetPresence = nameof(SetPresence);

    /// <summary>Live events of a conversation the user was just added to (the node that added them may be another).</summary>
    public const string Subscribe = nameof(Subscribe);

    /// <summary>
    /// The caller's conversations with their newest sequence, for catching up after a (re)connect. The hub answers a
    /// connection's calls only once it has joined its conversations' live events, and a connected client learns of
    /// that no other way (its start completes at the handshake, before the joins): whatever commits after this
    /// answer is pushed, whatever committed before it is within these heads.
    /// </summary>
    public const string Heads = nameof(Heads);
}
