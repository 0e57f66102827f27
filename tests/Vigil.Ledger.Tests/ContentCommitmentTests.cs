using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ledger.Tests;

public sealed class ContentCommitmentTests
{
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    public static TheoryData<string?[]> Parts => new()
    {
        new string?[] { "message-version/v1", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "1", "Dose taken ✓ 😀", null, "638000000000000000" },
        new string?[] { "" },
        new string?[] { null, null },
        // Longer than the stack buffer: the pooled path must commit to the same bytes.
        new string?[] { "attachment/v1", new string('é', 3000), "x" },
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void A_commitment_is_the_hmac_of_the_length_prefixed_utf8_parts(string?[] parts)
    {
        // The definition, written out: each part as a big-endian 32-bit length (-1 for null) and its UTF-8 bytes.
        var message = new List<byte>();
        foreach (var part in parts)
        {
            var bytes = part is null ? null : Encoding.UTF8.GetBytes(part);
            var length = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(length, bytes?.Length ?? -1);
            message.AddRange(length);
            message.AddRange(bytes ?? []);
        }

        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, message.ToArray())), ContentCommitment.Of(Key, parts));
    }

    [Fact]
    public void Parts_split_differently_commit_differently() =>
        Assert.NotEqual(ContentCommitment.Of(Key, "ab", "c"), ContentCommitment.Of(Key, "a", "bc"));

    [Theory]
    [InlineData(0)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(70_000)]
    public void A_leaf_hash_is_sha256_of_zero_and_the_entry(int length)
    {
        var entry = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(SHA256.HashData([0x00, .. entry]), MerkleHash.Leaf(entry));
    }
}
