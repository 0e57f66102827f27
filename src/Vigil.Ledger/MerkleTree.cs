namespace Vigil.Ledger;

/// <summary>
/// Roots and proofs over a list of leaf hashes, exactly as RFC 9162 §2.1 defines them (MTH, PATH, PROOF). Works on
/// any prefix of the list, so one list answers questions about every earlier tree size. The list may grow (the
/// ledger is append-only); hashes of complete power-of-two subtrees never change, so they are kept, which makes a
/// root or proof cost O(log n) hashes once the tree has been walked. Or, without the leaves in memory, over a source
/// of complete subtrees' hashes (a server's ledger keeps only one hash per block of leaves). Not thread-safe.
/// </summary>
public sealed class MerkleTree
{
    private readonly IReadOnlyList<byte[]>? _leafHashes;
    private readonly Func<int, long, byte[]>? _completeSubtree;
    private readonly long _size;

    // _perfect[h - 1][i] is the hash of the complete subtree of 2^h leaves starting at leaf i * 2^h.
    private readonly List<List<byte[]>> _perfect = [];

    public MerkleTree(IReadOnlyList<byte[]> leafHashes) => _leafHashes = leafHashes;

    /// <summary>
    /// A tree of <paramref name="size"/> leaves whose complete subtrees' hashes come from
    /// <paramref name="completeSubtree"/>(height, index): the subtree of 2^height leaves starting at leaf
    /// index · 2^height (height 0: a leaf). Every root or proof is made of such subtrees (RFC 9162 splits at powers of two).
    /// </summary>
    public MerkleTree(long size, Func<int, long, byte[]> completeSubtree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        _size = size;
        _completeSubtree = completeSubtree;
    }

    public long Size => _leafHashes?.Count ?? _size;

    /// <summary>MTH(D[0:size]).</summary>
    public byte[] Root(long size)
    {
        CheckSize(size);
        return size == 0 ? MerkleHash.Empty : Hash(0, size);
    }

    /// <summary>PATH(index, D[0:size]): the audit path proving leaf <paramref name="index"/> is in the tree of that size.</summary>
    public IReadOnlyList<byte[]> InclusionProof(long index, long size)
    {
        CheckSize(size);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var proof = new List<byte[]>();
        Path(index, 0, size, proof);
        return proof;
    }

    /// <summary>PROOF(m, D[0:n]): proves the tree of size <paramref name="n"/> extends the tree of size <paramref name="m"/>.</summary>
    public IReadOnlyList<byte[]> ConsistencyProof(long m, long n)
    {
        CheckSize(n);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);
        var proof = new List<byte[]>();
        SubProof(m, 0, n, complete: true, proof);
        return proof;
    }

    /// <summary>The hash of the complete subtree of 2^<paramref name="height"/> leaves starting at leaf
    /// <paramref name="index"/> · 2^<paramref name="height"/>; it must lie within <see cref="Size"/>.</summary>
    public byte[] CompleteSubtree(int height, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 62);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, (Size >> height) - 1);
        return Perfect(height, index);
    }

    private byte[] Hash(long start, long count)
    {
        if ((count & (count - 1)) == 0 && start % count == 0)
        {
            return Perfect(63 - (int)long.LeadingZeroCount(count), start / count);
        }

        var k = MerkleHash.Split(count);
        return MerkleHash.Node(Hash(start, k), Hash(start + k, count - k));
    }

    private byte[] Perfect(int height, long index)
    {
        if (_completeSubtree is not null)
        {
            return _completeSubtree(height, index);
        }

        if (height == 0)
        {
            return _leafHashes![(int)index];
        }

        while (_perfect.Count < height)
        {
            _perfect.Add([]);
        }

        var level = _perfect[height - 1];
        while (level.Count <= index)
        {
            var j = level.Count;
            level.Add(MerkleHash.Node(Perfect(height - 1, 2L * j), Perfect(height - 1, (2L * j) + 1)));
        }

        return level[(int)index];
    }

    private void Path(long m, long start, long count, List<byte[]> proof)
    {
        if (count == 1)
        {
            return;
        }

        var k = MerkleHash.Split(count);
        if (m < k)
        {
            Path(m, start, k, proof);
            proof.Add(Hash(start + k, count - k));
        }
        else
        {
            Path(m - k, start + k, count - k, proof);
            proof.Add(Hash(start, k));
        }
    }

    private void SubProof(long m, long start, long count, bool complete, List<byte[]> proof)
    {
        if (m == count)
        {
            if (!complete)
            {
                proof.Add(Hash(start, count));
            }

            return;
        }

        var k = MerkleHash.Split(count);
        if (m <= k)
        {
            SubProof(m, start, k, complete, proof);
            proof.Add(Hash(start + k, count - k));
        }
        else
        {
            SubProof(m - k, start + k, count - k, complete: false, proof);
            proof.Add(Hash(start, k));
        }
    }

    private void CheckSize(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
    }
}
