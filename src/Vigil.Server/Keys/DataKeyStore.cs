using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Server.Conversations;
using Vigil.Server.Data;

namespace Vigil.Server.Keys;

/// <summary>
/// Unwraps and caches data keys. Keys are created in the transaction that creates their subject and cached only once
/// read back committed, so a rolled-back transaction never leaves a key that only this process knows; cached for a
/// bounded time (<see cref="KeyCache"/>), so an erasure on another node reaches this one.
/// </summary>
public sealed class DataKeyStore(IKeyEncryptionKeyProvider keks, TimeProvider time, IOptions<KeysOptions> options)
{
    private readonly KeyCache _keys = new(time, options.Value);

    /// <summary>Whose key encrypts a conversation: the patient's for patient conversations (so erasing the patient
    /// reaches every one of them), the conversation's own otherwise.</summary>
    public static Guid SubjectOf(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return conversation.PatientId ?? conversation.Id;
    }

    /// <summary>
    /// The subject's key (null when destroyed by erasure), creating it in the caller's transaction when missing;
    /// <c>Created</c> tells the caller to record the creation in the ledger.
    /// </summary>
    public async Task<(byte[]? Key, bool Created)> GetOrCreateAsync(VigilDbContext db, Guid subjectId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_keys.TryGet(subjectId, out var cached))
        {
            return (cached, false);
        }

        var stamp = _keys.Stamp();
        var stored = await db.DataKeys.AsNoTracking().SingleOrDefaultAsync(k => k.SubjectId == subjectId, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            if (stored.WrappedKey is null)
            {
                return (null, false);
            }

            var key = ContentCipher.Unwrap(keks.Get(stored.KeyEncryptionKeyId), subjectId, stored.WrappedKey);
            _keys.Set(subjectId, key, stamp);
            return (key, false);
        }

        var (kekId, kek) = keks.Current();
        var fresh = RandomNumberGenerator.GetBytes(32);
        await DirectInsert.InsertAsync(db, [new DataKey
        {
            SubjectId = subjectId,
            WrappedKey = ContentCipher.Wrap(kek, subjectId, fresh),
            KeyEncryptionKeyId = kekId,
            CreatedAt = now,
        }], cancellationToken).ConfigureAwait(false);
        return (fresh, true);
    }

    /// <summary>Read-only lookup (verification, reads): null when destroyed or never made.</summary>
    public async Task<byte[]?> GetAsync(VigilDbContext db, Guid subjectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_keys.TryGet(subjectId, out var cached))
        {
            return cached;
        }

        var stamp = _keys.Stamp();
        var stored = await db.DataKeys.AsNoTracking().SingleOrDefaultAsync(k => k.SubjectId == subjectId, cancellationToken).ConfigureAwait(false);
        if (stored?.WrappedKey is null)
        {
            return null;
        }

        var key = ContentCipher.Unwrap(keks.Get(stored.KeyEncryptionKeyId), subjectId, stored.WrappedKey);
        _keys.Set(subjectId, key, stamp);
        return key;
    }

    public void Forget(Guid subjectId) => _keys.Forget(subjectId);

    /// <summary>Rewraps every live data key under the current KEK (after a rotation). Returns how many were rewrapped.</summary>
    public async Task<int> RewrapAllAsync(VigilDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var (kekId, kek) = keks.Current();
        var count = 0;
        foreach (var key in await db.DataKeys.Where(k => k.WrappedKey != null && k.KeyEncryptionKeyId != kekId)
                     .ToListAsync(cancellationToken).ConfigureAwait(false))
        {
            var clear = ContentCipher.Unwrap(keks.Get(key.KeyEncryptionKeyId), key.SubjectId, key.WrappedKey!);
            key.WrappedKey = ContentCipher.Wrap(kek, key.SubjectId, clear);
            key.KeyEncryptionKeyId = kekId;
            count++;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }
}
