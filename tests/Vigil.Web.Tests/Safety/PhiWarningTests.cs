using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Safety;

/// <summary>The PHI guard in the composer: a channel not cleared for PHI warns before identifying text is sent.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PhiWarningTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _channel = default!;
    private ConversationDto _care = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("alice", "Alice Clinician", VigilRoles.Clinician);
        var bob = await _server.CreateUserAsync("bob", "Bob Researcher", VigilRoles.Researcher);
        var patient = await _server.CreateUserAsync("pat", "Pat Patient", VigilRoles.Patient);
        await _server.CreateUserAsync("cora", "Cora Compliance", VigilRoles.ComplianceOfficer);
        using var alice = await _server.ClientForAsync("alice");
        _channel = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [bob.Id], "research-general", "private"));
        _care = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id], "Pat's care team"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private const string Draft = "Mrs. Anna Schmidt called, call her back on 030 1234 5678 or anna.schmidt@example.org";

    [Fact]
    public async Task Identifying_text_in_a_research_channel_warns_and_send_anyway_is_recorded_and_flagged()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(Identifying_text_in_a_research_channel_warns_and_send_anyway_is_recorded_and_flagged), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_channel.Id);
            await bob.OpenConversationAsync(_channel.Id);

            await alice.SendAsync(Draft);
            var warning = alice.Page.GetByTestId("phi-warning");
            await Expect(warning).ToBeVisibleAsync();
            await Expect(warning).ToContainTextAsync("Phone number");
            await Expect(warning).ToContainTextAsync("E-mail address");
            await Expect(warning).ToContainTextAsync("Anna Schmidt");

            // Edit keeps the draft and sends nothing.
            await warning.GetByRole(AriaRole.Button, new() { Name = "Edit the message" }).ClickAsync();
            await Expect(warning).ToHaveCountAsync(0);
            await Expect(alice.Page.GetByTestId("composer")).ToHaveValueAsync(Draft);
            await Expect(alice.Page.GetByTestId("message")).ToHaveCountAsync(0);

            await alice.Page.GetByTestId("composer").PressAsync("Enter");
            await warning.GetByRole(AriaRole.Button, new() { Name = "Send anyway" }).ClickAsync();
            await Expect(bob.Message("Anna Schmidt called")).ToBeVisibleAsync();
            // A clean message goes straight through.
            await alice.SendAsync("Protocol deviation log updated");
            await Expect(bob.Message("Protocol deviation log updated")).ToBeVisibleAsync();
            await Expect(warning).ToHaveCountAsync(0);
        });

        using var cora = await _server.ClientForAsync("cora");
        IReadOnlyList<PhiFlagDto> flags = [];
        for (var i = 0; i < 100 && flags.Count == 0; i++)
        {
            await Task.Delay(100);
            flags = await cora.ListPhiFlagsAsync();
        }

        var flag = Assert.Single(flags);
        Assert.True(flag.SenderAcknowledged);
        Assert.Equal(_channel.Id, flag.ConversationId);
    }

    [Fact]
    public async Task A_care_conversation_is_cleared_for_patient_information_and_never_warns()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(A_care_conversation_is_cleared_for_patient_information_and_never_warns), async () =>
        {
            await alice.SignInAsync("alice");
            await alice.OpenConversationAsync(_care.Id);
            await alice.SendAsync(Draft);
            await Expect(alice.Message("Anna Schmidt called")).ToBeVisibleAsync();
            await Expect(alice.Page.GetByTestId("phi-warning")).ToHaveCountAsync(0);
        });
    }
}
