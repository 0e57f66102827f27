using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Server.Data;

namespace Vigil.Server.Ledger;

/// <summary>
/// The committed ledger's Merkle tree as a server holds it: the root of each complete block of
/// 2^<see cref="DefaultBlockHeight"/> leaves, and the leaves after the last complete block. Every root and proof is
/// made of complete power-of-two subtrees (RFC 9162 splits at powers of two), so those of a block or more come from the
/// block roots, and those inside a block from its leaves, read from the database when a proof of an older entry needs
/// them. Memory grows by one hash per block instead of two per entry (about 128 bytes an entry: 1.3 GB at ten
/// million), and block roots are stored (<see cref="LedgerBlocks"/>), so a restarted server reads one row per block
/// before its first checkpoint instead of every entry.
/// </summary>
public sealed class LedgerTree
{
    /// <summary>Blocks of 2^10 = 1,024 leaves: a proof of an old entry reads 1,024 leaf hashes (64 KB of hex).</summary>
    public const int DefaultBlockHeight = 10;

    // Leaves read per query while catching up, so a first start over a large ledger never holds it all at once.
    private const int CatchUpPage = 65_536;

    private readonly int _blockHeight;
    private readonly List<byte[]> _blocks = [];
    private readonly MerkleTree _upper;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private List<byte[]> _tail = [];
    private MerkleTree _tailTree;
    private int _savedBlocks;
    private bool _loaded;

    public LedgerTree()
        : this(DefaultBlockHeight)
    {
    }

    internal LedgerTree(int blockHeight)
    {
        _blockHeight = blockHeight;
        _upper = new MerkleTree(_blocks);
        _tailTree = new MerkleTree(_tail);
    }

    /// <summary>Leaves per block, as a power of two.</summary>
    public int BlockHeight => _blockHeight;

    private int BlockSize => 1 << _blockHeight;

    private long Size => ((long)_blocks.Count << _blockHeight) + _tail.Count;

    /// <summary>Runs <paramref name="read"/> on the tree after loading the entries committed since the last call.</summary>
    public Task<T> ReadAsync<T>(VigilDbContext db, Func<MerkleTree, T> read, CancellationToken cancellationToken) =>
        ReadAsync(db, [], read, cancellationToken);

    /// <summary>
    /// The same, for a read whose roots and proofs end at or involve the given leaves (an entry to prove, a tree size
    /// minus one): their blocks' leaves are read first. The tree passed to <paramref name="read"/> is valid only
    /// during the call.
    /// </summary>
    public async Task<T> ReadAsync<T>(VigilDbContext db, IEnumerable<long> leaves, Func<MerkleTree, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(leaves);
        ArgumentNullException.ThrowIfNull(read);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await CatchUpAsync(db, cancellationToken).ConfigureAwait(false);
            var size = Size;
            var blocks = new Dictionary<long, MerkleTree>();
            foreach (var block in leaves.Where(l => l >= 0 && l < size).Select(l => l >> _blockHeight).Distinct())
            {
                if (block < _blocks.Count)
                {
                    var (hashes, _) = await LeavesAsync(db, block << _blockHeight, BlockSize, cancellationToken).ConfigureAwait(false);
                    blocks[block] = new MerkleTree(hashes);
                }
            }

            return read(new MerkleTree(size, (height, index) => Subtree(height, index, blocks)));
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Complete blocks not yet stored: the checkpoint that stores them calls <see cref="StoredAsync"/> after its commit.</summary>
    internal async Task<IReadOnlyList<LedgerBlock>> UnstoredAsync(CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return [.. _blocks.Skip(_savedBlocks).Select((root, i) => new LedgerBlock(_savedBlocks + i, root))];
        }
        finally
        {
            _lock.Release();
        }
    }

    internal async Task StoredAsync(long upTo, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _savedBlocks = (int)Math.Max(_savedBlocks, Math.Min(upTo, _blocks.Count));
        }
        finally
        {
            _lock.Release();
        }
    }

    private byte[] Subtree(int height, long index, Dictionary<long, MerkleTree> blocks)
    {
        if (height >= _blockHeight)
        {
            return _upper.CompleteSubtree(height - _blockHeight, index);
        }

        var block = index >> (_blockHeight - height);
        var within = index - (block << (_blockHeight - height));
        if (block == _blocks.Count)
        {
            return _tailTree.CompleteSubtree(height, within);
        }

        return blocks.TryGetValue(block, out var leaves)
            ? leaves.CompleteSubtree(height, within)
            : throw new InvalidOperationException($"Block {block} of the ledger tree was needed but not read: name one of its leaves to ReadAsync.");
    }

    private async Task CatchUpAsync(VigilDbContext db, CancellationToken cancellationToken)
    {
        if (!_loaded)
        {
            // Only blocks whose every entry exists: a database restored without its last entries keeps no root of them.
            var entries = await db.LedgerEntries.MaxAsync(e => (long?)e.Sequence, cancellationToken).ConfigureAwait(false) + 1 ?? 0;
            foreach (var block in await LedgerBlocks.ReadAsync(db, entries >> _blockHeight, _blockHeight, cancellationToken).ConfigureAwait(false))
            {
                _blocks.Add(block);
            }

            _savedBlocks = _blocks.Count;
            _loaded = true;
        }

        while (true)
        {
            var (fresh, complete) = await LeavesAsync(db, Size, CatchUpPage, cancellationToken).ConfigureAwait(false);
            foreach (var leaf in fresh)
            {
                Add(leaf);
            }

            if (!complete || fresh.Count < CatchUpPage)
            {
                return;
            }
        }
    }

    private void Add(byte[] leaf)
    {
        _tail.Add(leaf);
        if (_tail.Count == BlockSize)
        {
            _blocks.Add(_tailTree.Root(BlockSize));
            _tail = [];
            _tailTree = new MerkleTree(_tail);
        }
    }

    /// <summary>Leaf hashes from <paramref name="from"/> on, stopping at the first gap (an entry not committed yet
    /// behind one that is); <c>complete</c> is false when it stopped there.</summary>
    private static async Task<(List<byte[]> Hashes, bool Complete)> LeavesAsync(VigilDbContext db, long from, int count, CancellationToken cancellationToken)
    {
        var rows = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence >= from && e.Sequence < from + count).OrderBy(e => e.Sequence)
            .Select(e => new { e.Sequence, e.LeafHash }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var hashes = new List<byte[]>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Sequence != from + hashes.Count)
            {
                return (hashes, false);
            }

            hashes.Add(Convert.FromHexString(row.LeafHash));
        }

        return (hashes, true);
    }
}
