using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ledger.Tests;

/// <summary>
/// The canonical bytes are what every stored leaf hash was computed from: they may never change, whoever writes them
/// and however often.
/// </summary>
public sealed class LedgerEntryDataTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 29, 3, 30, 0, TimeSpan.FromHours(2));

    private static readonly LedgerEntryData Message = new(
        42, At, Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301"), "message.created", "message/7/1", null, "c0ffee");

    private static readonly LedgerEntryData Started = new(1, At, null, "ledger.started", "Dose taken ✓ \"quoted\"", "why", null);

    private const string MessageJson =
        """{"v":1,"seq":42,"at":639103446000000000,"actor":"3f2504e0-4f89-11d3-9a0c-0305e82c3301","action":"message.created","target":"message/7/1","reason":null,"commitment":"c0ffee"}""";

    private const string StartedJson =
        """{"v":1,"seq":1,"at":639103446000000000,"actor":null,"action":"ledger.started","target":"Dose taken \u2713 \u0022quoted\u0022","reason":"why","commitment":null}""";

    [Fact]
    public void The_canonical_bytes_are_compact_json_in_a_fixed_field_order_with_utc_ticks()
    {
        Assert.Equal(MessageJson, Encoding.UTF8.GetString(Message.CanonicalBytes()));
        Assert.Equal(StartedJson, Encoding.UTF8.GetString(Started.CanonicalBytes()));
    }

    [Fact]
    public void A_leaf_hash_is_sha256_of_zero_and_the_canonical_bytes()
    {
        // Long then short: nothing of one entry may be left in the next one's bytes.
        var longReason = Message with { Reason = new string('r', 5000) };
        foreach (var entry in new[] { Message, Started, longReason, Message })
        {
            Assert.Equal(SHA256.HashData([0x00, .. entry.CanonicalBytes()]), entry.LeafHash());
        }

        Assert.Equal(SHA256.HashData([0x00, .. Encoding.UTF8.GetBytes(MessageJson)]), Message.LeafHash());
    }

    [Fact]
    public void Threads_writing_at_once_each_get_their_own_entrys_bytes()
    {
        var entries = Enumerable.Range(0, 64).Select(i => Message with { Sequence = i, Target = $"message/{i}/{i}" }).ToArray();
        var expected = entries.Select(e => Convert.ToHexString(SHA256.HashData([0x00, .. e.CanonicalBytes()]))).ToArray();

        var actual = new string[entries.Length];
        Parallel.For(0, entries.Length * 50, i => actual[i % entries.Length] = Convert.ToHexString(entries[i % entries.Length].LeafHash()));

        Assert.Equal(expected, actual);
    }
}
