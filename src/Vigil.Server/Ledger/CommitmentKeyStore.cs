using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Data;
using Vigil.Server.Keys;

namespace Vigil.Server.Ledger;

/// <summary>Per-subject commitment keys: made on first use, cached for a bounded time (<see cref="KeyCache"/>: they never
/// change, but an erasure on another node destroys them).</summary>
public sealed class CommitmentKeyStore(TimeProvider time, IOptions<KeysOptions> options)
{
    private readonly KeyCache _keys = new(time, options.Value);

    public void Forget(Guid subjectId) => _keys.Forget(subjectId);

    /// <summary>The subject's key, created in the caller's transaction if it has none yet.</summary>
    public async Task<byte[]> GetOrCreateAsync(VigilDbContext db, Guid subjectId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_keys.TryGet(subjectId, out var cached))
        {
            return cached;
        }

        var stamp = _keys.Stamp();
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

        _keys.Set(subjectId, stored, stamp);
        return stored;
    }
}
