using System.Security.Cryptography;
using System.Text;

namespace Vigil.Ledger.Tests;

public sealed class MerkleTreeTests
{
    private const int MaxSize = 300;
    private static readonly List<byte[]> Leaves = [.. Enumerable.Range(0, MaxSize).Select(i => MerkleHash.Leaf(Encoding.UTF8.GetBytes($"leaf-{i}")))];

    [Theory]
    [InlineData(1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")]
    [InlineData(2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")]
    [InlineData(3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77")]
    [InlineData(4, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7")]
    [InlineData(5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4")]
    [InlineData(6, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef")]
    [InlineData(7, "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c")]
    [InlineData(8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")]
    public void Roots_match_the_certificate_transparency_test_vectors(int size, string root)
    {
        byte[][] inputs =
        [
            [], [0x00], [0x10], [0x20, 0x21], [0x30, 0x31], [0x40, 0x41, 0x42, 0x43],
            [0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57],
            [0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f],
        ];
        var tree = new MerkleTree([.. inputs.Select(i => MerkleHash.Leaf(i))]);

        Assert.Equal(root, Convert.ToHexStringLower(tree.Root(size)));
    }

    // Computed with Python's hashlib from the RFC's definition, outside this codebase.
    [Theory]
    [InlineData(1, "305df59f9590c3c9ac63d2b2743c388e3792449078cebf7fb3dbe6471643b2b7")]
    [InlineData(2, "60a53eed0de87a90c8e59427c59c46253c33a76a09502a51801300927b7e6bdc")]
    [InlineData(3, "cf763a041c81ceef1578a6083f75c61bef2e0014f2a3e683a97fcfca5be7f19a")]
    [InlineData(7, "0b007fb915eb9b2a146f54b1c86ec53b664f8e455b7660b0b6ee13edc0d921c0")]
    [InlineData(8, "ca6b7b3e674ac86c1027b59c87c064fc3bc27b313294c75f83bd05fdd13f0dcf")]
    [InlineData(9, "1374d3a5ecbef4cd7c109e5d0127955f4ef014756496d70a0f99f65aa0ac8a30")]
    [InlineData(100, "951b744704efaf33c0d9b4db1d656e9a9798959de4823f96396bd28baf5979ef")]
    [InlineData(255, "3de22a1a5c13f8ad7c6fdf034305190d870b7a72b99cf69e9cdd6f7e5430c136")]
    [InlineData(256, "f7ed5eb44be61908cdf66bb316813dc75442aa2a5b307177c06c728271356c91")]
    [InlineData(257, "45d7e207b9bd948a0b1e55162edc386453c8a9853b5f3c457e25716c0be98ec2")]
    [InlineData(300, "608280cebdde48c28999e9cb839f03980a3e62e8b9550aa28758e91279ebd657")]
    public void Roots_match_independently_computed_values(int size, string root) =>
        Assert.Equal(root, Convert.ToHexStringLower(new MerkleTree(Leaves).Root(size)));

    [Fact]
    public void The_empty_tree_has_the_hash_of_nothing() =>
        Assert.Equal(SHA256.HashData([]), new MerkleTree([]).Root(0));

    [Fact]
    public void Every_root_from_1_to_300_matches_the_definition_computed_naively()
    {
        var tree = new MerkleTree(Leaves);
        for (var n = 1; n <= MaxSize; n++)
        {
            Assert.Equal(NaiveRoot(Leaves.Take(n).ToList()), tree.Root(n));
        }
    }

    [Fact]
    public void Every_leaf_of_every_tree_from_1_to_300_has_a_verifying_inclusion_proof()
    {
        var tree = new MerkleTree(Leaves);
        for (var n = 1; n <= MaxSize; n++)
        {
            var root = tree.Root(n);
            for (var m = 0; m < n; m++)
            {
                var proof = tree.InclusionProof(m, n);
                Assert.True(MerkleProofVerifier.VerifyInclusion(Leaves[m], m, n, proof, root), $"leaf {m} of {n}");
                Assert.Equal(NaivePath(m, Leaves.Take(n).ToList()).Select(Convert.ToHexString), proof.Select(Convert.ToHexString));
            }
        }
    }

    [Fact]
    public void Every_pair_of_sizes_up_to_300_has_a_verifying_consistency_proof()
    {
        var tree = new MerkleTree(Leaves);
        for (var n = 1; n <= MaxSize; n++)
        {
            var second = tree.Root(n);
            for (var m = 1; m <= n; m++)
            {
                var proof = tree.ConsistencyProof(m, n);
                Assert.True(MerkleProofVerifier.VerifyConsistency(m, n, tree.Root(m), second, proof), $"{m} -> {n}");
            }
        }
    }

    [Fact]
    public void Consistency_proofs_match_the_definition_computed_naively()
    {
        var tree = new MerkleTree(Leaves);
        foreach (var (m, n) in new[] { (1, 2), (3, 7), (4, 7), (6, 8), (7, 300), (128, 257), (255, 256), (299, 300) })
        {
            Assert.Equal(NaiveProof(m, Leaves.Take(n).ToList(), true).Select(Convert.ToHexString), tree.ConsistencyProof(m, n).Select(Convert.ToHexString));
        }
    }

    [Fact]
    public void A_tree_over_complete_subtrees_hashes_gives_the_roots_and_proofs_of_one_over_the_leaves()
    {
        var leaves = new MerkleTree(Leaves);
        var asked = new HashSet<(int, long)>();
        var subtrees = new MerkleTree(MaxSize, (height, index) =>
        {
            asked.Add((height, index));
            return leaves.CompleteSubtree(height, index);
        });

        foreach (var size in new long[] { 1, 2, 3, 64, 100, 255, 256, 257, MaxSize })
        {
            Assert.Equal(leaves.Root(size), subtrees.Root(size));
            foreach (var index in new long[] { 0, size / 3, size - 1 })
            {
                Assert.Equal(leaves.InclusionProof(index, size), subtrees.InclusionProof(index, size));
                Assert.Equal(leaves.ConsistencyProof(index + 1, size), subtrees.ConsistencyProof(index + 1, size));
            }
        }

        // Only complete subtrees are asked for, each within the tree.
        Assert.All(asked, a => Assert.True(((a.Item2 + 1) << a.Item1) <= MaxSize));
    }

    [Fact]
    public void A_complete_subtree_outside_the_tree_is_refused()
    {
        var tree = new MerkleTree(Leaves.Take(6).ToList());

        Assert.Equal(MerkleHash.Node(Leaves[4], Leaves[5]), tree.CompleteSubtree(1, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.CompleteSubtree(1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.CompleteSubtree(3, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => tree.CompleteSubtree(-1, 0));
    }

    [Fact]
    public void A_tampered_inclusion_proof_fails()
    {
        var tree = new MerkleTree(Leaves);
        var root = tree.Root(100);
        var proof = tree.InclusionProof(42, 100).Select(p => p.ToArray()).ToList();

        Assert.False(MerkleProofVerifier.VerifyInclusion(Leaves[42], 43, 100, proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(Leaves[43], 42, 100, proof, root));
        Assert.False(MerkleProofVerifier.VerifyInclusion(Leaves[42], 42, 101, proof, tree.Root(101)));
        Assert.False(MerkleProofVerifier.VerifyInclusion(Leaves[42], 42, 100, proof.Take(proof.Count - 1).ToList(), root));
        proof[2][0] ^= 1;
        Assert.False(MerkleProofVerifier.VerifyInclusion(Leaves[42], 42, 100, proof, root));
    }

    [Fact]
    public void A_consistency_proof_for_a_rewritten_history_fails()
    {
        var tree = new MerkleTree(Leaves);
        var forged = Leaves.ToList();
        forged[10] = MerkleHash.Leaf("rewritten"u8);
        var forgedTree = new MerkleTree(forged);

        var proof = forgedTree.ConsistencyProof(50, 200);

        Assert.False(MerkleProofVerifier.VerifyConsistency(50, 200, tree.Root(50), forgedTree.Root(200), proof));
        Assert.False(MerkleProofVerifier.VerifyConsistency(50, 200, tree.Root(50), tree.Root(200), []));
    }

    [Fact]
    public void A_growing_tree_keeps_earlier_roots()
    {
        var leaves = new List<byte[]>();
        var tree = new MerkleTree(leaves);
        var roots = new List<byte[]>();
        foreach (var leaf in Leaves)
        {
            leaves.Add(leaf);
            roots.Add(tree.Root(leaves.Count));
        }

        Assert.All(Enumerable.Range(1, MaxSize), n => Assert.Equal(roots[n - 1], tree.Root(n)));
    }

    [Fact]
    public void A_leaf_can_never_pose_as_an_interior_node()
    {
        var node = MerkleHash.Node(Leaves[0], Leaves[1]);
        var leafOfSameBytes = MerkleHash.Leaf([.. Leaves[0], .. Leaves[1]]);

        Assert.NotEqual(node, leafOfSameBytes);
    }

    // The RFC 9162 §2.1 definitions, written as literally as possible over copied lists.
    private static byte[] NaiveRoot(List<byte[]> d)
    {
        if (d.Count == 1)
        {
            return d[0];
        }

        var k = 1;
        while (k * 2 < d.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. NaiveRoot(d[..k]), .. NaiveRoot(d[k..])]);
    }

    private static List<byte[]> NaivePath(int m, List<byte[]> d)
    {
        if (d.Count == 1)
        {
            return [];
        }

        var k = 1;
        while (k * 2 < d.Count)
        {
            k *= 2;
        }

        return m < k ? [.. NaivePath(m, d[..k]), NaiveRoot(d[k..])] : [.. NaivePath(m - k, d[k..]), NaiveRoot(d[..k])];
    }

    private static List<byte[]> NaiveProof(int m, List<byte[]> d, bool b)
    {
        if (m == d.Count)
        {
            return b ? [] : [NaiveRoot(d)];
        }

        var k = 1;
        while (k * 2 < d.Count)
        {
            k *= 2;
        }

        return m <= k ? [.. NaiveProof(m, d[..k], b), NaiveRoot(d[k..])] : [.. NaiveProof(m - k, d[k..], false), NaiveRoot(d[..k])];
    }
}
