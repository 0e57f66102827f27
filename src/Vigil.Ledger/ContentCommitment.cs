using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ledger;

/// <summary>
/// A keyed commitment to content: HMAC-SHA-256 under the subject's commitment key. The ledger can prove content is
/// unchanged without holding it, and once the key is destroyed (erasure) the commitment reveals nothing, not even to
/// someone guessing the text.
/// </summary>
public static class ContentCommitment
{
    public static string Of(ReadOnlySpan<byte> key, params string?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var size = 0;
        foreach (var part in parts)
        {
            size += sizeof(int) + (part is null ? 0 : Encoding.UTF8.GetByteCount(part));
        }

        // One buffer and one HMAC call: each call into the crypto library has a fixed cost larger than hashing a
        // short part, and this runs for every message written.
        var rented = size <= 1024 ? null : ArrayPool<byte>.Shared.Rent(size);
        var message = rented is null ? stackalloc byte[size] : rented.AsSpan(0, size);
        try
        {
            var at = 0;
            foreach (var part in parts)
            {
                // Length-prefixed, so ("ab","c") and ("a","bc") commit differently; -1 marks null.
                var length = part is null ? -1 : Encoding.UTF8.GetBytes(part, message[(at + sizeof(int))..]);
                BinaryPrimitives.WriteInt32BigEndian(message[at..], length);
                at += sizeof(int) + Math.Max(0, length);
            }

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, message, mac);
            return Convert.ToHexStringLower(mac);
        }
        finally
        {
            if (rented is not null)
            {
                CryptographicOperations.ZeroMemory(rented.AsSpan(0, size));
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
