using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Server.Keys;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;
using Vigil.Server.Validation;

namespace Vigil.Server.Webhooks;

internal static class WebhookEndpoints
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var hooks = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization(UserEndpoints.AdministratorPolicy);
        hooks.MapPost("/", Create).WithName("CreateWebhook")
            .WithSummary("Subscribe a URL to events (message.created, safety.case.opened, reminder.missed); the signing secret is shown once.")
            .ProducesProblem(400);
        hooks.MapGet("/", List).WithName("ListWebhooks").WithSummary("Subscriptions with their delivery counts (no secrets).");
        hooks.MapDelete("/{id:guid}", Delete).WithName("DeleteWebhook").ProducesProblem(404);
        return app;
    }

    public static IServiceCollection AddVigilWebhooks(this IServiceCollection services)
    {
        services.AddSingleton<WebhookRegistry>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(provider =>
                PrivateAddressGuard.Handler(provider.GetRequiredService<IConfiguration>().GetValue("Vigil:Webhooks:AllowPrivateAddresses", defaultValue: false)));
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    private static async Task<Ok<WebhookCreatedDto>> Create(
        CreateWebhookRequest request, HttpContext context, VigilDbContext db, DataKeyStore dataKeys, LedgerAppender ledger, WebhookRegistry registry,
        IIdGenerator ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var problem = TextInput.Problem(request?.Name, "name", 100);
        if (problem is not null)
        {
            throw ProblemException.Validation(problem);
        }

        if (!Uri.TryCreate(request!.Url, UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http") || request.Url.Length > 2000)
        {
            throw ProblemException.Validation("url must be an absolute http(s) URL.");
        }

        var events = (request.Events ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (events.Count == 0 || events.Any(e => !WebhookEvents.All.Contains(e)))
        {
            throw ProblemException.Validation($"events must be one or more of: {string.Join(", ", WebhookEvents.All)}.");
        }

        var now = time.GetUtcNow();
        var id = ids.NewId();
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var (key, _) = await dataKeys.GetOrCreateAsync(db, id, now, cancellationToken).ConfigureAwait(false);
            db.WebhookSubscriptions.Add(new WebhookSubscription
            {
                Id = id,
                Name = request.Name.Trim(),
                Url = url.ToString(),
                Events = string.Join(' ', events),
                Secret = ContentCipher.Encrypt(key!, id, secret),
                CreatedBy = context.User.UserId(),
                CreatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await ledger.AppendAsync(db, [new LedgerEvent(context.User.UserId(), LedgerActions.WebhookCreated, $"webhook/{id:D}", $"{url.Host}: {string.Join(' ', events)}")],
                now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await registry.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new WebhookCreatedDto(id, request.Name.Trim(), url.ToString(), events, secret));
    }

    private static async Task<Ok<IReadOnlyList<WebhookDto>>> List(VigilDbContext db, CancellationToken cancellationToken)
    {
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => s.DisabledAt == null).OrderBy(s => s.CreatedAt)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<WebhookDto>();
        foreach (var s in subscriptions)
        {
            var deliveries = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == s.Id);
            result.Add(new WebhookDto(s.Id, s.Name, s.Url, s.Events.Split(' '),
                await deliveries.CountAsync(d => d.DeliveredAt != null, cancellationToken).ConfigureAwait(false),
                await deliveries.CountAsync(d => d.DeliveredAt == null && d.FailedAt == null, cancellationToken).ConfigureAwait(false),
                await deliveries.CountAsync(d => d.FailedAt != null, cancellationToken).ConfigureAwait(false)));
        }

        return TypedResults.Ok<IReadOnlyList<WebhookDto>>(result);
    }

    private static async Task<NoContent> Delete(
        Guid id, HttpContext context, VigilDbContext db, LedgerAppender ledger, WebhookRegistry registry, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
        {
            var removed = await db.WebhookSubscriptions.Where(s => s.Id == id && s.DisabledAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.DisabledAt, now), cancellationToken).ConfigureAwait(false);
            if (removed == 0)
            {
                throw ProblemException.NotFound("The webhook");
            }

            await ledger.AppendAsync(db, [new LedgerEvent(context.User.UserId(), LedgerActions.WebhookDeleted, $"webhook/{id:D}")], now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        await registry.RefreshAsync(force: true, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}
