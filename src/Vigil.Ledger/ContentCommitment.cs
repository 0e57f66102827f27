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
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            // Length-prefixed, so ("ab","c") and ("a","bc") commit differently; -1 marks null.
            var bytes = part is null ? null : Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes?.Length ?? -1);
            hmac.AppendData(length);
            if (bytes is not null)
            {
                hmac.AppendData(bytes);
            }
        }

        return Convert.ToHexStringLower(hmac.GetHashAndReset());
    }
}
