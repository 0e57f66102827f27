using System.Buffers;
using System.Security.Cryptography;

namespace Vigil.Ledger;

/// <summary>RFC 9162 §2.1.1 hashing: domain-separated leaves and interior nodes, so a leaf can never pose as a node.</summary>
public static class MerkleHash
{
    public const int Size = 32;
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;

    /// <summary>MTH({}) = SHA-256 of the empty string.</summary>
    public static byte[] Empty { get; } = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>SHA-256(0x00 ‖ entry).</summary>
    public static byte[] Leaf(ReadOnlySpan<byte> entry)
    {
        // One call into the crypto library (an incremental hash is a context allocated and freed per leaf).
        var rented = entry.Length < 1024 ? null : ArrayPool<byte>.Shared.Rent(1 + entry.Length);
        var buffer = rented is null ? stackalloc byte[1 + entry.Length] : rented.AsSpan(0, 1 + entry.Length);
        buffer[0] = LeafPrefix;
        entry.CopyTo(buffer[1..]);
        var hash = SHA256.HashData(buffer);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return hash;
    }

    /// <summary>SHA-256(0x01 ‖ left ‖ right).</summary>
    public static byte[] Node(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + Size + Size];
        buffer[0] = NodePrefix;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + Size)..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n ≥ 2): where RFC 9162 splits a tree.</summary>
    internal static long Split(long n) => 1L << (63 - (int)long.LeadingZeroCount(n - 1));
}
