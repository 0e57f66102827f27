using System.Collections.Concurrent;
using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>
/// Puts each conversation's pushed messages in sequence order: the next one passes, one already delivered is
/// dropped, and one that arrives ahead of a missing sequence is held. With several server nodes, pushes of one
/// conversation committed on different nodes travel different paths and can overtake each other by a few
/// milliseconds; holding them briefly, instead of fetching the "missing" message at once, spares a catch-up request
/// (a database read) per overtaken push. Single-threaded: the connection's inbound loop is its only caller.
/// </summary>
internal sealed class SequenceGate(ConcurrentDictionary<Guid, long> cursors, int maxHeld)
{
    private readonly Dictionary<Guid, SortedList<long, MessageDto>> _held = [];

    /// <summary>What <see cref="Offer"/> decided.</summary>
    /// <param name="Ready">Messages to deliver now, in order (the cursor already moved past them).</param>
    /// <param name="GapOpened">The first message held for this conversation: start waiting for the gap to fill.</param>
    /// <param name="Overflow">More held than the gate keeps: stop waiting and catch up now.</param>
    internal readonly record struct Outcome(IReadOnlyList<MessageDto> Ready, bool GapOpened, bool Overflow);

    public Outcome Offer(MessageDto message)
    {
        var conversationId = message.ConversationId;
        var cursor = cursors.GetOrAdd(conversationId, message.Sequence - 1);
        if (message.Sequence <= cursor)
        {
            return new Outcome([], false, false);
        }

        if (message.Sequence > cursor + 1)
        {
            if (!_held.TryGetValue(conversationId, out var held))
            {
                held = [];
                _held[conversationId] = held;
            }

            held.TryAdd(message.Sequence, message);
            return new Outcome([], GapOpened: held.Count == 1, Overflow: held.Count > maxHeld);
        }

        cursors[conversationId] = message.Sequence;
        var ready = new List<MessageDto> { message };
        ready.AddRange(Release(conversationId));
        return new Outcome(ready, false, false);
    }

    /// <summary>
    /// Held messages that follow the cursor without a gap, in order, with the cursor moved past them; held ones the
    /// cursor has passed (a catch-up fetched them) are dropped.
    /// </summary>
    public List<MessageDto> Release(Guid conversationId)
    {
        var ready = new List<MessageDto>();
        if (!_held.TryGetValue(conversationId, out var held))
        {
            return ready;
        }

        var cursor = cursors.GetValueOrDefault(conversationId);
        while (held.Count > 0 && held.Keys[0] <= cursor + 1)
        {
            if (held.Keys[0] == cursor + 1)
            {
                cursor++;
                ready.Add(held.Values[0]);
            }

            held.RemoveAt(0);
        }

        cursors[conversationId] = cursor;
        if (held.Count == 0)
        {
            _held.Remove(conversationId);
        }

        return ready;
    }

    /// <summary>Whether messages of the conversation still wait behind a gap.</summary>
    public bool IsHolding(Guid conversationId) => _held.ContainsKey(conversationId);
}
