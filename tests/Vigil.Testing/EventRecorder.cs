using System.Collections.Concurrent;

namespace Vigil.Testing;

/// <summary>Collects what a connection delivers, and waits until a condition holds (or fails after a timeout).</summary>
public sealed class EventRecorder<T>
{
    private readonly ConcurrentQueue<T> _items = new();
    private readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<T> Items => [.. _items];

    public Task Record(T item)
    {
        _items.Enqueue(item);
        _arrived.Release();
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<T>> WaitUntilAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!condition(Items))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Condition not met; {_items.Count} item(s) recorded.");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }

        return Items;
    }
}
