using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Vigil.Server.Data;
using Vigil.Server.Keys;

namespace Vigil.Server.Webhooks;

/// <summary>What one dispatch pass did.</summary>
public sealed record WebhookPass(int Delivered, int Retrying, int Failed);

/// <summary>
/// Delivers queued webhook events: claims due deliveries in the database (nodes share the work), POSTs each signed,
/// and retries failures with growing delays (10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h) before giving up.
/// </summary>
public sealed partial class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory http,
    WebhookRegistry registry,
    DataKeyStore dataKeys,
    TimeProvider time,
    IConfiguration configuration,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private static readonly TimeSpan[] Backoff =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    private readonly string _node = Guid.NewGuid().ToString("N");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Vigil:Webhooks:DispatcherEnabled", defaultValue: true))
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        do
        {
            try
            {
                await registry.RefreshAsync(force: false, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    public async Task<WebhookPass> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.DeliveredAt == null && d.FailedAt == null && d.NextAttemptAt <= now && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .OrderBy(d => d.NextAttemptAt).Select(d => d.Id).Take(100).ToListAsync(cancellationToken).ConfigureAwait(false);
        if (due.Count == 0)
        {
            return new WebhookPass(0, 0, 0);
        }

        var until = now.AddMinutes(2);
        await db.WebhookDeliveries.Where(d => due.Contains(d.Id) && (d.ClaimedUntil == null || d.ClaimedUntil < now))
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.ClaimedBy, _node).SetProperty(x => x.ClaimedUntil, until), cancellationToken).ConfigureAwait(false);
        var mine = await db.WebhookDeliveries.Where(d => due.Contains(d.Id) && d.ClaimedBy == _node && d.ClaimedUntil == until)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var subscriptionIds = mine.Select(d => d.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id))
            .ToDictionaryAsync(s => s.Id, cancellationToken).ConfigureAwait(false);
        int delivered = 0, retrying = 0, failed = 0;
        var client = http.CreateClient(HttpClientName);
        foreach (var delivery in mine)
        {
            var subscription = subscriptions[delivery.SubscriptionId];
            var error = subscription.DisabledAt is not null ? "subscription removed" : await SendAsync(db, client, subscription, delivery, cancellationToken).ConfigureAwait(false);
            delivery.Attempts++;
            delivery.ClaimedBy = null;
            delivery.ClaimedUntil = null;
            if (error is null)
            {
                delivery.DeliveredAt = time.GetUtcNow();
                delivered++;
            }
            else if (delivery.Attempts > Backoff.Length || subscription.DisabledAt is not null)
            {
                delivery.FailedAt = time.GetUtcNow();
                delivery.LastError = error;
                failed++;
            }
            else
            {
                delivery.NextAttemptAt = time.GetUtcNow() + Backoff[delivery.Attempts - 1];
                delivery.LastError = error;
                retrying++;
            }
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new WebhookPass(delivered, retrying, failed);
    }

    /// <summary>Null when the receiver answered 2xx, otherwise why not.</summary>
    private async Task<string?> SendAsync(VigilDbContext db, HttpClient client, WebhookSubscription subscription, WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var key = await dataKeys.GetAsync(db, subscription.Id, cancellationToken).ConfigureAwait(false);
        if (key is null)
        {
            return "the subscription's secret is gone";
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url)
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(WebhookSignature.EventHeader, delivery.Event);
        request.Headers.Add(WebhookSignature.DeliveryHeader, delivery.Id.ToString("D"));
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(ContentCipher.Decrypt(key, subscription.Id, subscription.Secret), timestamp, delivery.Payload));
        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return exception.GetType().Name;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook dispatch pass failed; the next pass retries")]
    private partial void LogPassFailed(Exception exception);
}
