using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;

namespace Vigil.Server.Webhooks;

/// <summary>
/// The active subscriptions, held in memory so the writer can queue deliveries without a query per message; reloaded
/// on change here and every 30 seconds (for changes made on another node).
/// </summary>
public sealed class WebhookRegistry(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan ReloadAfter = TimeSpan.FromSeconds(30);
    // Indexed by event when loaded, so the writer's per-message lookup is one dictionary read with no allocation.
    private volatile Dictionary<string, WebhookSubscription[]> _byEvent = new(StringComparer.Ordinal);
    private DateTimeOffset _loadedAt = DateTimeOffset.MinValue;

    public IReadOnlyList<WebhookSubscription> For(string eventName) =>
        _byEvent.TryGetValue(eventName, out var subscriptions) ? subscriptions : [];

    public async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        if (!force && time.GetUtcNow() - _loadedAt < ReloadAfter)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.DisabledAt == null).ToListAsync(cancellationToken).ConfigureAwait(false);
        _byEvent = subscriptions
            .SelectMany(s => s.Events.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(e => (Event: e, Subscription: s)))
            .GroupBy(p => p.Event, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Subscription).ToArray(), StringComparer.Ordinal);
        _loadedAt = time.GetUtcNow();
    }

    /// <summary>Queues <paramref name="data"/> for every subscription to <paramref name="eventName"/> in the caller's unit of work.</summary>
    public void Enqueue(VigilDbContext db, IIdGenerator ids, string eventName, object data, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ids);
        foreach (var subscription in For(eventName))
        {
            var id = ids.NewId();
            db.WebhookDeliveries.Add(new WebhookDelivery
            {
                Id = id,
                SubscriptionId = subscription.Id,
                Event = eventName,
                Payload = JsonSerializer.Serialize(new { id, @event = eventName, occurredAt = now, data }, JsonSerializerOptions.Web),
                CreatedAt = now,
                NextAttemptAt = now,
            });
        }
    }
}
