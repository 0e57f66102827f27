using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Tests.Patients;
using Vigil.Server.Webhooks;

namespace Vigil.Server.Tests.Webhooks;

public sealed class WebhookDeliveryTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A loopback HTTP receiver that records what it is sent and fails the first <c>failures</c> requests.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _failuresLeft;

        private Receiver(WebApplication app, int failures) => (_app, _failuresLeft) = (app, failures);

        public ConcurrentQueue<(Dictionary<string, string> Headers, string Body)> Received { get; } = new();

        public string Url { get; private set; } = "";

        public static async Task<Receiver> StartAsync(int failures = 0)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            var receiver = new Receiver(app, failures);
            app.MapPost("/hook", async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                if (Interlocked.Decrement(ref receiver._failuresLeft) >= 0)
                {
                    context.Response.StatusCode = 503;
                    return;
                }

                receiver.Received.Enqueue((context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
                context.Response.StatusCode = 204;
            });
            await app.StartAsync();
            receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";
            return receiver;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static WebhookDispatcher Dispatcher(PatientScenario scenario) => scenario.Factory.Services.GetRequiredService<WebhookDispatcher>();

    // The receivers here listen on loopback, which production refuses (see the SSRF test below).
    private static readonly Dictionary<string, string?> AllowLoopback = new() { ["Vigil:Webhooks:AllowPrivateAddresses"] = "true" };

    [Fact]
    public async Task Events_are_delivered_signed_with_identifiers_only()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, settings: AllowLoopback);
        await using var receiver = await Receiver.StartAsync();
        var hook = await scenario.Admin.CreateWebhookAsync(new CreateWebhookRequest("EHR bridge", receiver.Url, [WebhookEvents.MessageCreated]));
        var conversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        var sent = await scenario.Patient.SendMessageAsync(conversation, "Secret body text that must not leave the server");

        var pass = await Dispatcher(scenario).RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, pass.Delivered);
        var (headers, body) = Assert.Single(receiver.Received);
        Assert.Equal(WebhookEvents.MessageCreated, headers[WebhookSignature.EventHeader]);
        var timestamp = long.Parse(headers[WebhookSignature.TimestampHeader], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(WebhookSignature.Sign(hook.Secret, timestamp, body), headers[WebhookSignature.SignatureHeader]);
        Assert.DoesNotContain("Secret body", body, StringComparison.Ordinal);
        var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        Assert.Equal(sent.Id, data.GetProperty("messageId").GetGuid());
        Assert.Equal(0, (await Dispatcher(scenario).RunOnceAsync(CancellationToken.None)).Delivered);
    }

    [Fact]
    public async Task A_failing_receiver_is_retried_with_backoff_until_it_answers()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, settings: AllowLoopback);
        await using var receiver = await Receiver.StartAsync(failures: 2);
        await scenario.Admin.CreateWebhookAsync(new CreateWebhookRequest("flaky", receiver.Url, [WebhookEvents.MessageCreated]));
        var conversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        await scenario.Patient.SendMessageAsync(conversation, "hello");

        Assert.Equal(1, (await Dispatcher(scenario).RunOnceAsync(CancellationToken.None)).Retrying);
        scenario.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(new WebhookPass(0, 0, 0), await Dispatcher(scenario).RunOnceAsync(CancellationToken.None));
        scenario.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, (await Dispatcher(scenario).RunOnceAsync(CancellationToken.None)).Retrying);
        scenario.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await Dispatcher(scenario).RunOnceAsync(CancellationToken.None)).Delivered);
        Assert.Single(receiver.Received);

        var listed = Assert.Single(await scenario.Admin.ListWebhooksAsync());
        Assert.Equal((1, 0, 0), (listed.Delivered, listed.Pending, listed.Failed));
    }

    [Fact]
    public async Task Deliveries_to_the_servers_own_network_are_refused_by_default()
    {
        await using var scenario = await PatientScenario.StartAsync(Start);
        await using var receiver = await Receiver.StartAsync();
        await scenario.Admin.CreateWebhookAsync(new CreateWebhookRequest("internal", receiver.Url, [WebhookEvents.MessageCreated]));
        var conversation = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        await scenario.Patient.SendMessageAsync(conversation, "hello");

        Assert.Equal(1, (await Dispatcher(scenario).RunOnceAsync(CancellationToken.None)).Retrying);
        Assert.Empty(receiver.Received);
    }

    [Fact]
    public async Task Only_administrators_subscribe_and_bad_subscriptions_are_refused()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, withAccount: false);
        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Clinician.CreateWebhookAsync(new CreateWebhookRequest("x", "https://example.org/hook", [WebhookEvents.MessageCreated])));
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        var badUrl = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Admin.CreateWebhookAsync(new CreateWebhookRequest("x", "ftp://example.org", [WebhookEvents.MessageCreated])));
        Assert.Equal(HttpStatusCode.BadRequest, badUrl.Status);
        var badEvent = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Admin.CreateWebhookAsync(new CreateWebhookRequest("x", "https://example.org/hook", ["everything"])));
        Assert.Equal(HttpStatusCode.BadRequest, badEvent.Status);
    }

    [Fact]
    public async Task An_incoming_webhook_posts_into_its_conversation_as_an_automated_bot_and_nowhere_else()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, withAccount: false);
        var (nurse, nurseUser) = await scenario.Factory.UserAsync("nurse", VigilRoles.Clinician);
        using (nurse)
        {
            var channel = await scenario.Clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [nurseUser.Id], "Lab results"));
            var hook = await scenario.Admin.CreateIncomingWebhookAsync(new CreateIncomingWebhookRequest("LIMS", channel.Id));
            using var http = scenario.Factory.CreateClient();

            using var posted = await http.PostAsync(new Uri(hook.Url.TrimStart('/'), UriKind.Relative),
                new StringContent("""{"text":"Batch 42 results are ready.","clientMessageId":"lims-42"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            using var again = await http.PostAsync(new Uri(hook.Url.TrimStart('/'), UriKind.Relative),
                new StringContent("""{"text":"Batch 42 results are ready.","clientMessageId":"lims-42"}""", System.Text.Encoding.UTF8, "application/json"));

            var message = Assert.Single(await nurse.GetMessagesAsync(channel.Id));
            Assert.True(message.Automated);
            Assert.Equal(hook.BotUserId, message.SenderId);
            Assert.Equal("Batch 42 results are ready.", message.Body);

            using var wrong = await http.PostAsync(new Uri("api/v1/hooks/vih_nope", UriKind.Relative),
                new StringContent("""{"text":"x"}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
            using var empty = await http.PostAsync(new Uri(hook.Url.TrimStart('/'), UriKind.Relative),
                new StringContent("""{"text":""}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }
    }
}
