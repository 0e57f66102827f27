using Microsoft.EntityFrameworkCore;
using Vigil.Ledger;
using Vigil.Server.Data;

namespace Vigil.Server.Ledger;

/// <summary>The committed ledger's Merkle tree, kept in memory and caught up from the database on demand.</summary>
public sealed class LedgerTree
{
    private readonly List<byte[]> _leaves = [];
    private readonly MerkleTree _tree;
    private readonly SemaphoreSlim _lock = new(1, 1);

    public LedgerTree() => _tree = new MerkleTree(_leaves);

    /// <summary>Runs <paramref name="read"/> on the tree after loading the entries committed since the last call.</summary>
    public async Task<T> ReadAsync<T>(VigilDbContext db, Func<MerkleTree, T> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(read);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var from = (long)_leaves.Count;
            var fresh = await db.LedgerEntries.AsNoTracking().Where(e => e.Sequence >= from).OrderBy(e => e.Sequence)
                .Select(e => e.LeafHash).ToListAsync(cancellationToken).ConfigureAwait(false);
            _leaves.AddRange(fresh.Select(Convert.FromHexString));
            return read(_tree);
        }
        finally
        {
            _lock.Release();
        }
    }
}
