using Vigil.Contracts;

namespace Vigil.Web.Chat;

/// <summary>The messages of one conversation this tab has seen, by sequence, plus what the user is still sending.</summary>
public sealed class Timeline
{
    private readonly SortedList<long, MessageDto> _messages = [];

    public bool Loaded { get; set; }

    /// <summary>Whether older messages exist on the server than the oldest loaded.</summary>
    public bool HasOlder { get; set; } = true;

    public List<OutgoingMessage> Outgoing { get; } = [];

    public long OldestSequence => _messages.Count == 0 ? long.MaxValue : _messages.Keys[0];

    public long NewestSequence => _messages.Count == 0 ? 0 : _messages.Keys[^1];

    public IEnumerable<MessageDto> Messages => _messages.Values;

    public IEnumerable<MessageDto> TopLevel => _messages.Values.Where(m => m.ReplyToId is null);

    public IEnumerable<MessageDto> RepliesTo(Guid messageId) => _messages.Values.Where(m => m.ReplyToId == messageId);

    public int ReplyCount(Guid messageId) => _messages.Values.Count(m => m.ReplyToId == messageId);

    public MessageDto? Find(Guid messageId) => _messages.Values.FirstOrDefault(m => m.Id == messageId);

    /// <summary>Adds or replaces a message; an older version never replaces a newer one (pushes can cross pages).</summary>
    public void Upsert(MessageDto message)
    {
        if (_messages.TryGetValue(message.Sequence, out var known)
            && (known.Version > message.Version || (known.Deleted && !message.Deleted)))
        {
            return;
        }

        _messages[message.Sequence] = message;
        Outgoing.RemoveAll(o => o.ClientMessageId == message.ClientMessageId);
    }
}
