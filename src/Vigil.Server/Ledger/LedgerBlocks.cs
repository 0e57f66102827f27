using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Ledger;

/// <summary>The root of one complete block of ledger leaves (block <paramref name="Index"/> holds entries
/// Index · 2^height to (Index + 1) · 2^height − 1).</summary>
public sealed record LedgerBlock(long Index, byte[] Root);

/// <summary>
/// The stored roots of complete blocks of the ledger tree (<see cref="LedgerTree"/>): derived from the entries, stored
/// with each signed checkpoint through the single writer, so a restarted server need not read every entry. Not part of
/// the model: <c>vigil db copy</c> leaves them behind and the target's server derives them again. An auditor never
/// needs them: <c>vigil ledger verify</c> recomputes every root from the entries.
/// </summary>
internal static class LedgerBlocks
{
    /// <summary>The stored roots of blocks 0, 1, … of this height, stopping at the first one missing or at <paramref name="limit"/>.</summary>
    public static async Task<List<byte[]>> ReadAsync(VigilDbContext db, long limit, int height, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<StoredBlock>(
                $"""SELECT "Block", "RootHash" FROM "LedgerBlocks" WHERE "Height" = {height} AND "Block" < {limit} ORDER BY "Block" """)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var roots = new List<byte[]>(rows.Count);
        foreach (var row in rows)
        {
            if (row.Block != roots.Count)
            {
                break;
            }

            roots.Add(Convert.FromHexString(row.RootHash));
        }

        return roots;
    }

    /// <summary>Stores block roots in the caller's transaction; a root another node stored first is left as it is.</summary>
    public static async Task StoreAsync(VigilDbContext db, int height, IReadOnlyList<LedgerBlock> blocks, CancellationToken cancellationToken)
    {
        foreach (var block in blocks)
        {
            var root = Convert.ToHexStringLower(block.Root);
            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "LedgerBlocks" ("Height", "Block", "RootHash") VALUES ({height}, {block.Index}, {root}) ON CONFLICT DO NOTHING""",
                cancellationToken).ConfigureAwait(false);
        }
    }

    private sealed record StoredBlock(long Block, string RootHash);
}
