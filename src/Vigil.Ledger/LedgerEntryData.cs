using System.Buffers;
using System.Text.Json;

namespace Vigil.Ledger;

/// <summary>
/// One auditable event as the ledger commits to it. Content never appears here in plaintext: only
/// <see cref="Commitment"/>, a keyed hash of it. <see cref="CanonicalBytes"/> is the exact byte string hashed into the
/// leaf, so anyone can recompute a leaf from the stored fields.
/// </summary>
public sealed record LedgerEntryData(
    long Sequence,
    DateTimeOffset RecordedAt,
    Guid? ActorId,
    string Action,
    string Target,
    string? Reason,
    string? Commitment)
{
    public byte[] CanonicalBytes()
    {
        // Fixed field order, no insignificant whitespace, UTC ticks: one event has one byte string.
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteNumber("seq", Sequence);
            json.WriteNumber("at", RecordedAt.UtcTicks);
            if (ActorId is { } actor)
            {
                json.WriteString("actor", actor.ToString("D"));
            }
            else
            {
                json.WriteNull("actor");
            }

            json.WriteString("action", Action);
            json.WriteString("target", Target);
            json.WriteString("reason", Reason);
            json.WriteString("commitment", Commitment);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public byte[] LeafHash() => MerkleHash.Leaf(CanonicalBytes());
}
