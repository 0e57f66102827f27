using Microsoft.Extensions.Time.Testing;
using Vigil.Server.Keys;

namespace Vigil.Server.Tests.Keys;

public sealed class KeyCacheTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_key_is_used_for_its_lifetime_and_then_read_again()
    {
        var cache = new KeyCache(_time, new KeysOptions { CacheLifetime = TimeSpan.FromSeconds(30) });
        var subject = Guid.CreateVersion7();
        cache.Set(subject, [1, 2, 3], cache.Stamp());

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(cache.TryGet(subject, out var key));
        Assert.Equal([1, 2, 3], key);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(cache.TryGet(subject, out _));
    }

    [Fact]
    public void A_forgotten_key_is_gone_at_once()
    {
        var cache = new KeyCache(_time, new KeysOptions());
        var subject = Guid.CreateVersion7();
        cache.Set(subject, [7], cache.Stamp());

        cache.Forget(subject);

        Assert.False(cache.TryGet(subject, out _));
    }

    [Fact]
    public void The_cache_never_holds_more_keys_than_its_capacity()
    {
        var cache = new KeyCache(_time, new KeysOptions { CacheCapacity = 100 });
        var subjects = Enumerable.Range(0, 250).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var subject in subjects)
        {
            cache.Set(subject, [1], cache.Stamp());
        }

        Assert.InRange(subjects.Count(s => cache.TryGet(s, out _)), 1, 100);
        Assert.True(cache.TryGet(subjects[^1], out _));
    }

    [Fact]
    public void A_key_read_while_an_erasure_forgot_keys_is_not_cached()
    {
        var cache = new KeyCache(_time, new KeysOptions());
        var (erased, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var stamp = cache.Stamp();

        // The read of the key from the database straddles an erasure's forgetting.
        cache.Forget(erased);
        cache.Set(erased, [9], stamp);
        Assert.False(cache.TryGet(erased, out _));

        // A read that began after it caches as usual.
        cache.Set(other, [1], cache.Stamp());
        Assert.True(cache.TryGet(other, out _));
    }
}
