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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([LeafPrefix]);
        hash.AppendData(entry);
        return hash.GetHashAndReset();
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
