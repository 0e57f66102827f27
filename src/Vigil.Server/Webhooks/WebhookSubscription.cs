namespace Vigil.Server.Webhooks;

/// <summary>An outgoing webhook: events POSTed to a URL, signed with the subscription's secret.</summary>
public sealed class WebhookSubscription
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string Url { get; set; }

    /// <summary>Space-separated event names (<see cref="WebhookEvents"/>).</summary>
    public required string Events { get; set; }

    /// <summary>The signing secret, encrypted with the subscription's own data key.</summary>
    public required string Secret { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DisabledAt { get; set; }
}

/// <summary>One event to deliver to one subscription; the outbox the dispatcher works from.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid SubscriptionId { get; set; }

    public required string Event { get; set; }

    /// <summary>The JSON body: identifiers and metadata only, never message text or PHI.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>Set when the retries are exhausted.</summary>
    public DateTimeOffset? FailedAt { get; set; }

    public string? LastError { get; set; }

    public string? ClaimedBy { get; set; }

    public DateTimeOffset? ClaimedUntil { get; set; }
}

public static class WebhookEvents
{
    public const string MessageCreated = "message.created";
    public const string SafetyCaseOpened = "safety.case.opened";
    public const string ReminderMissed = "reminder.missed";

    public static IReadOnlyList<string> All { get; } = [MessageCreated, SafetyCaseOpened, ReminderMissed];
}
