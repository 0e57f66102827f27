using System.Buffers;
using System.Security.Cryptography;
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
    // One writer and buffer per thread: the group-commit writer hashes a leaf for every ledger entry it appends, and
    // a writer and buffer per entry were most of what the ledger allocated there.
    [ThreadStatic]
    private static CanonicalWriter? t_writer;

    public byte[] CanonicalBytes()
    {
        var writer = t_writer ??= new CanonicalWriter();
        try
        {
            Write(writer.Start(prefix: null));
            return writer.Finish().ToArray();
        }
        finally
        {
            writer.Clear();
        }
    }

    /// <summary>MTH of this entry as a leaf: SHA-256(0x00 ‖ <see cref="CanonicalBytes"/>), hashed where it was written.</summary>
    public byte[] LeafHash()
    {
        var writer = t_writer ??= new CanonicalWriter();
        try
        {
            Write(writer.Start(MerkleHash.LeafPrefix));
            return SHA256.HashData(writer.Finish());
        }
        finally
        {
            writer.Clear();
        }
    }

    private void Write(Utf8JsonWriter json)
    {
        // Fixed field order, no insignificant whitespace, UTC ticks: one event has one byte string.
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

    private sealed class CanonicalWriter
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(256);
        private readonly Utf8JsonWriter _json;

        public CanonicalWriter() => _json = new Utf8JsonWriter(_buffer);

        /// <summary>An empty buffer, the optional prefix byte written first, and the JSON writer positioned after it.</summary>
        public Utf8JsonWriter Start(byte? prefix)
        {
            if (prefix is { } b)
            {
                _buffer.GetSpan(1)[0] = b;
                _buffer.Advance(1);
            }

            return _json;
        }

        public ReadOnlySpan<byte> Finish()
        {
            _json.Flush();
            return _buffer.WrittenSpan;
        }

        /// <summary>Ready for the next entry, even after one that threw halfway.</summary>
        public void Clear()
        {
            _buffer.ResetWrittenCount();
            _json.Reset(_buffer);
        }
    }
}
