using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Access;

/// <summary>Patients see their care conversations in a large-text layout, and nothing else.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PatientViewTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _care = default!;
    private ConversationDto _channel = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        var patient = await _server.CreateUserAsync("pat", "Pat Patient", VigilRoles.Patient);
        var colleague = await _server.CreateUserAsync("carol", "Carol Nurse", VigilRoles.Clinician);
        await _server.CreateUserAsync("dana", "Dana Doctor", VigilRoles.Clinician);
        using var dana = await _server.ClientForAsync("dana");
        _care = await dana.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id], "Pat's care team"));
        await dana.SendMessageAsync(_care.Id, "Hello Pat, how is the new inhaler?");
        _channel = await dana.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Channel, [colleague.Id], "ward-7-staff", "private"));
        await dana.SendMessageAsync(_channel.Id, "Staff only: bed 4 handover notes");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_patient_sees_only_their_care_conversation_and_cannot_open_a_staff_channel()
    {
        await using var pat = await BrowserSession.OpenAsync(browser.Browser, _server.Address, width: 375, height: 740);
        await pat.RunAsync(nameof(A_patient_sees_only_their_care_conversation_and_cannot_open_a_staff_channel), async () =>
        {
            await pat.SignInAsync("pat");
            await Expect(pat.Page.Locator(".app.patient")).ToBeVisibleAsync();
            var links = pat.Page.GetByTestId("conversation-link");
            await Expect(links).ToHaveCountAsync(1);
            await Expect(links).ToContainTextAsync("Pat's care team");
            await Expect(pat.Page.GetByText("ward-7-staff")).ToHaveCountAsync(0);

            await pat.Page.GotoAsync($"chat/{_channel.Id}");
            await Expect(pat.Page.GetByTestId("not-available")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(pat.Page.GetByText("handover notes")).ToHaveCountAsync(0);

            await pat.OpenConversationAsync(_care.Id);
            await Expect(pat.Message("new inhaler")).ToBeVisibleAsync();
            await pat.SendAsync("Much better, thank you");
            await Expect(pat.Message("Much better")).ToBeVisibleAsync();
            // Large text for patients: the message body is bigger than the staff layout's 16 px.
            var size = await pat.Message("new inhaler").Locator(".body").EvaluateAsync<string>("e => getComputedStyle(e).fontSize");
            Assert.True(double.Parse(size.Replace("px", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture) >= 20, size);
        });
    }

    [Fact]
    public async Task A_patient_is_not_shown_staff_pages()
    {
        await using var pat = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await pat.RunAsync(nameof(A_patient_is_not_shown_staff_pages), async () =>
        {
            await pat.SignInAsync("pat");
            await Expect(pat.Page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
            await Expect(pat.Page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" })).ToHaveCountAsync(0);
            await Expect(pat.Page.GetByRole(AriaRole.Button, new() { Name = "New" })).ToHaveCountAsync(0);
            await pat.Page.GotoAsync("audit");
            await Expect(pat.Page.GetByText("The audit trail is for compliance officers and administrators.")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        });
    }
}
