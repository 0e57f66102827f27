using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Ledger;

/// <summary>Per-subject commitment keys: made on first use, cached (they never change, only get destroyed).</summary>
public sealed class CommitmentKeyStore
{
    private readonly ConcurrentDictionary<Guid, byte[]> _keys = new();

    public void Forget(Guid subjectId) => _keys.TryRemove(subjectId, out _);

    /// <summary>The subject's key, created in the caller's transaction if it has none yet.</summary>
    public async Task<byte[]> GetOrCreateAsync(VigilDbContext db, Guid subjectId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_keys.TryGetValue(subjectId, out var cached))
        {
            return cached;
        }

        var stored = await db.CommitmentKeys.AsNoTracking().Where(k => k.SubjectId == subjectId).Select(k => k.Key)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            stored = RandomNumberGenerator.GetBytes(32);
            await DirectInsert.InsertAsync(db, [new CommitmentKey { SubjectId = subjectId, Key = stored, CreatedAt = now }], cancellationToken)
                .ConfigureAwait(false);
            // Not cached until committed: a rolled-back transaction must not leave a key only this process knows.
            return stored;
        }

        _keys[subjectId] = stored;
        return stored;
    }
}
