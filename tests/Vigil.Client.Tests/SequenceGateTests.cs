using System.Collections.Concurrent;
using Vigil.Contracts;

namespace Vigil.Client.Tests;

/// <summary>Ordering of pushed messages before the consumer sees them: in order, once, overtaken pushes held.</summary>
public sealed class SequenceGateTests
{
    private static readonly Guid Conversation = Guid.NewGuid();
    private readonly ConcurrentDictionary<Guid, long> _cursors = new() { [Conversation] = 10 };

    [Fact]
    public void The_next_message_passes_and_one_already_delivered_is_dropped()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 100);

        Assert.Equal([11L], gate.Offer(Message(11)).Ready.Select(m => m.Sequence));
        Assert.Empty(gate.Offer(Message(11)).Ready);
        Assert.Empty(gate.Offer(Message(3)).Ready);
        Assert.Equal(11, _cursors[Conversation]);
    }

    [Fact]
    public void Pushes_that_overtake_a_missing_one_are_held_then_delivered_after_it_in_order()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 100);

        var first = gate.Offer(Message(13));
        var second = gate.Offer(Message(12));
        Assert.True(gate.IsHolding(Conversation));
        var filled = gate.Offer(Message(11));

        Assert.Empty(first.Ready);
        Assert.True(first.GapOpened);
        Assert.False(second.GapOpened);
        Assert.Equal([11L, 12, 13], filled.Ready.Select(m => m.Sequence));
        Assert.Equal(13, _cursors[Conversation]);
        Assert.False(gate.IsHolding(Conversation));
    }

    [Fact]
    public void After_a_catch_up_held_pushes_it_fetched_are_dropped_and_later_ones_follow()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 100);
        gate.Offer(Message(12));
        gate.Offer(Message(14));
        gate.Offer(Message(15));

        _cursors[Conversation] = 13; // a catch-up delivered 11 to 13 from the database
        var released = gate.Release(Conversation);

        Assert.Equal([14L, 15], released.Select(m => m.Sequence));
        Assert.Equal(15, _cursors[Conversation]);
        Assert.False(gate.IsHolding(Conversation));
    }

    [Fact]
    public void A_second_gap_behind_the_first_stays_held()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 100);
        gate.Offer(Message(12));
        gate.Offer(Message(14));

        Assert.Equal([11L, 12], gate.Offer(Message(11)).Ready.Select(m => m.Sequence));
        Assert.True(gate.IsHolding(Conversation));
        Assert.Equal(12, _cursors[Conversation]);
    }

    [Fact]
    public void Holding_more_than_the_limit_asks_for_a_catch_up()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 2);

        Assert.False(gate.Offer(Message(12)).Overflow);
        Assert.False(gate.Offer(Message(13)).Overflow);
        Assert.True(gate.Offer(Message(14)).Overflow);
    }

    [Fact]
    public void Conversations_are_gated_independently()
    {
        var gate = new SequenceGate(_cursors, maxHeld: 100);
        var other = Guid.NewGuid();

        gate.Offer(Message(12));
        var elsewhere = gate.Offer(Message(1, other));

        Assert.Equal([1L], elsewhere.Ready.Select(m => m.Sequence));
        Assert.True(gate.IsHolding(Conversation));
        Assert.False(gate.IsHolding(other));
    }

    private static MessageDto Message(long sequence, Guid? conversationId = null) => new(
        Guid.NewGuid(), conversationId ?? Conversation, sequence, Guid.NewGuid(), $"body {sequence}", DateTimeOffset.UnixEpoch, $"c{sequence}",
        null, 1, null, false, null, null, null, [], []);
}
