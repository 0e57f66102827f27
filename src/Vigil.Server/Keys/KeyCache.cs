using System.Collections.Concurrent;

namespace Vigil.Server.Keys;

/// <summary>
/// Keys by subject, each used for <see cref="KeysOptions.CacheLifetime"/> after it was read and then read again, so
/// an erasure committed on another node (which destroys the stored key) stops this node from decrypting or writing
/// with it within that time; and at most <see cref="KeysOptions.CacheCapacity"/> of them, so memory does not grow
/// with every subject ever seen. Reading a key again is one indexed row and, for a data key, an unwrap.
/// </summary>
public sealed class KeyCache(TimeProvider time, KeysOptions options)
{
    private readonly ConcurrentDictionary<Guid, Entry> _keys = new();
    private long _forgotten;

    /// <summary>Taken before reading a key from the database and handed to <see cref="Set"/>: a key read while an
    /// erasure was forgetting keys is used by that one caller but not cached, so it cannot outlive the erasure here.</summary>
    public long Stamp() => Interlocked.Read(ref _forgotten);

    public bool TryGet(Guid subjectId, out byte[] key)
    {
        if (_keys.TryGetValue(subjectId, out var entry) && time.GetTimestamp() < entry.ExpiresAt)
        {
            key = entry.Key;
            return true;
        }

        key = [];
        return false;
    }

    public void Set(Guid subjectId, byte[] key, long stamp)
    {
        if (stamp != Interlocked.Read(ref _forgotten))
        {
            return;
        }

        if (_keys.Count >= options.CacheCapacity)
        {
            // Rare (a node touching more subjects than the capacity within a lifetime), and a miss costs one read.
            _keys.Clear();
        }

        var lifetime = (long)(options.CacheLifetime.TotalSeconds * time.TimestampFrequency);
        _keys[subjectId] = new Entry(key, time.GetTimestamp() + lifetime);
    }

    public void Forget(Guid subjectId)
    {
        Interlocked.Increment(ref _forgotten);
        _keys.TryRemove(subjectId, out _);
    }

    private readonly record struct Entry(byte[] Key, long ExpiresAt);
}
