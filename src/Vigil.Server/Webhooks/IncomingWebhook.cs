namespace Vigil.Server.Webhooks;

/// <summary>
/// An incoming webhook: a secret URL that posts into one conversation as its own bot account, so another system
/// (a lab, a trial platform) can announce things where people work. Its messages are marked automated.
/// </summary>
public sealed class IncomingWebhook
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid ConversationId { get; set; }

    public Guid BotUserId { get; set; }

    public required string TokenHash { get; set; }

    public Guid CreatedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
