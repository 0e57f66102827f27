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

    public void Set(Guid subjectId, byte[] key)
    {
        if (_keys.Count >= options.CacheCapacity)
        {
            // Rare (a node touching more subjects than the capacity within a lifetime), and a miss costs one read.
            _keys.Clear();
        }

        var lifetime = (long)(options.CacheLifetime.TotalSeconds * time.TimestampFrequency);
        _keys[subjectId] = new Entry(key, time.GetTimestamp() + lifetime);
    }

    public void Forget(Guid subjectId) => _keys.TryRemove(subjectId, out _);

    private readonly record struct Entry(byte[] Key, long ExpiresAt);
}
