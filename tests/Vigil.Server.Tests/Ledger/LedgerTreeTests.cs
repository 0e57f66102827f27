using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Ledger;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Server.Tests.Ledger;

/// <summary>The server's ledger tree keeps block roots and reads a block's leaves only for a proof that needs them:
/// every root and proof must still be the one computed over every leaf.</summary>
public sealed class LedgerTreeTests : IAsyncLifetime
{
    // Blocks of four leaves, so a few dozen entries make many blocks and a tail.
    private const int BlockHeight = 2;

    private readonly VigilServerFactory _factory = new();

    public async Task InitializeAsync()
    {
        // The server's own start has recorded entries already; these make the ledger an odd size.
        await AppendAsync(37);
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    [Fact]
    public async Task Roots_and_proofs_from_block_roots_and_the_blocks_a_proof_names_equal_those_over_every_leaf()
    {
        var leaves = await LeavesAsync();
        var reference = new MerkleTree(leaves);
        var tree = new LedgerTree(BlockHeight);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();

        Assert.Equal(leaves.Count, await tree.ReadAsync(db, t => t.Size, CancellationToken.None));
        for (long size = 1; size <= leaves.Count; size++)
        {
            // The leaves each ledger endpoint names: the entry and the tree size's last leaf; both ends of a consistency proof.
            Assert.Equal(reference.Root(size), await tree.ReadAsync(db, [size - 1], t => t.Root(size), CancellationToken.None));
            for (long index = 0; index < size; index++)
            {
                Assert.Equal(reference.InclusionProof(index, size), await tree.ReadAsync(db, [index, size - 1], t => t.InclusionProof(index, size), CancellationToken.None));
                Assert.Equal(reference.ConsistencyProof(index + 1, size),
                    await tree.ReadAsync(db, [index, size - 1], t => t.ConsistencyProof(index + 1, size), CancellationToken.None));
            }
        }
    }

    [Fact]
    public async Task A_tree_catches_up_with_entries_appended_since_its_last_read()
    {
        var tree = new LedgerTree(BlockHeight);
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        _ = await tree.ReadAsync(db, t => t.Root(t.Size), CancellationToken.None);

        await AppendAsync(11);

        var leaves = await LeavesAsync();
        Assert.Equal(new MerkleTree(leaves).Root(leaves.Count), await tree.ReadAsync(db, t => t.Root(t.Size), CancellationToken.None));
    }

    [Fact]
    public async Task A_restarted_tree_reads_the_stored_block_roots_instead_of_every_entry()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var first = new LedgerTree(BlockHeight);
        var root = await first.ReadAsync(db, t => t.Root(t.Size), CancellationToken.None);
        var blocks = await first.UnstoredAsync(CancellationToken.None);
        await StoreAsync(db, blocks);
        await first.StoredAsync(blocks[^1].Index + 1, CancellationToken.None);
        Assert.Empty(await first.UnstoredAsync(CancellationToken.None));

        Assert.Equal(root, await new LedgerTree(BlockHeight).ReadAsync(db, t => t.Root(t.Size), CancellationToken.None));

        // Proof that the stored roots, not the entries, are what a new tree starts from: a stored root altered in the
        // database changes its root (which `vigil ledger verify`, recomputing from the entries, would refuse).
        await db.Database.ExecuteSqlAsync($"""UPDATE "LedgerBlocks" SET "RootHash" = {new string('0', 64)} WHERE "Height" = {BlockHeight} AND "Block" = 1""");
        Assert.NotEqual(root, await new LedgerTree(BlockHeight).ReadAsync(db, t => t.Root(t.Size), CancellationToken.None));
    }

    [Fact]
    public async Task A_signed_checkpoint_stores_the_roots_of_the_blocks_completed_before_it()
    {
        await AppendAsync((1 << LedgerTree.DefaultBlockHeight) + 50);
        await _factory.Services.GetRequiredService<LedgerCheckpointService>().CheckpointAsync(force: true, CancellationToken.None);

        var leaves = await LeavesAsync();
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var stored = await LedgerBlocks.ReadAsync(db, long.MaxValue, LedgerTree.DefaultBlockHeight, CancellationToken.None);
        Assert.Equal([new MerkleTree(leaves).CompleteSubtree(LedgerTree.DefaultBlockHeight, 0)], stored);
    }

    private async Task AppendAsync(int count)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var actor = Guid.CreateVersion7();
        await _factory.Services.GetRequiredService<LedgerAppender>().AppendAsync(db,
            [.. Enumerable.Range(0, count).Select(_ => new LedgerEvent(actor, LedgerActions.SignIn, LedgerActions.UserTarget(actor), "password"))],
            DateTimeOffset.UtcNow, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private async Task<List<byte[]>> LeavesAsync()
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        return [.. (await db.LedgerEntries.AsNoTracking().OrderBy(e => e.Sequence).Select(e => e.LeafHash).ToListAsync()).Select(Convert.FromHexString)];
    }

    private static async Task StoreAsync(VigilDbContext db, IReadOnlyList<LedgerBlock> blocks)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        await LedgerBlocks.StoreAsync(db, BlockHeight, blocks, CancellationToken.None);
        await transaction.CommitAsync();
    }
}
