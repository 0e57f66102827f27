using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Safety;

/// <summary>A patient mentions an adverse event; the safety officer's queue shows it live and works the case.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SafetyQueueTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _care = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("dana", "Dana Doctor", VigilRoles.Clinician);
        var patient = await _server.CreateUserAsync("pat", "Pat Patient", VigilRoles.Patient);
        await _server.CreateUserAsync("sven", "Sven Safety", VigilRoles.SafetyOfficer);
        using var dana = await _server.ClientForAsync("dana");
        _care = await dana.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id], "Pat's care team"));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_detected_adverse_event_reaches_the_queue_live_and_is_worked_to_a_valid_serious_case()
    {
        await using var sven = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var pat = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await sven.RunAsync(nameof(A_detected_adverse_event_reaches_the_queue_live_and_is_worked_to_a_valid_serious_case), async () =>
        {
            await sven.SignInAsync("sven");
            await sven.GoToAsync("safety");
            await Expect(sven.Page.GetByText("No cases.")).ToBeVisibleAsync();

            await pat.SignInAsync("pat");
            await pat.OpenConversationAsync(_care.Id);
            await pat.SendAsync("Since I started metformin I get terrible diarrhoea every morning");
            await Expect(pat.Message("terrible diarrhoea")).ToBeVisibleAsync();

            var row = sven.Page.GetByTestId("safety-case-row");
            await Expect(row).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await row.GetByRole(AriaRole.Link).ClickAsync();
            var detail = sven.Page.GetByTestId("safety-case");
            await Expect(detail.GetByTestId("case-source").Locator("mark.drug")).ToHaveTextAsync("metformin");
            await Expect(detail.GetByTestId("case-source").Locator("mark.event").First).ToContainTextAsync("diarrhoea");
            await Expect(detail.GetByTestId("criteria")).ToContainTextAsync("Found: suspect product");

            await detail.GetByRole(AriaRole.Button, new() { Name = "Start review" }).ClickAsync();
            await detail.GetByLabel("Seriousness").SelectOptionAsync(SafetyCaseSeriousness.Serious);
            await Expect(detail.GetByTestId("due")).Not.ToContainTextAsync("when seriousness is set");
            await detail.GetByRole(AriaRole.Button, new() { Name = "Valid case" }).ClickAsync();
            await detail.GetByLabel("Add a note").FillAsync("Called the patient; GI symptoms since dose increase.");
            await detail.GetByRole(AriaRole.Button, new() { Name = "Add note" }).ClickAsync();
            await Expect(detail).ToContainTextAsync("GI symptoms since dose increase");
            await Expect(detail.GetByRole(AriaRole.Heading, new() { Level = 2 })).ToContainTextAsync("Valid case");

            var download = await sven.Page.RunAndWaitForDownloadAsync(() =>
                detail.GetByRole(AriaRole.Button, new() { Name = "Download E2B(R3) XML" }).ClickAsync());
            var xml = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Contains("MCCI_IN200100UV01", xml, StringComparison.Ordinal);
            Assert.Contains("metformin", xml, StringComparison.OrdinalIgnoreCase);

            // The patient's view never shows that anything was flagged.
            await Expect(pat.Page.GetByText("safety", new() { Exact = false })).ToHaveCountAsync(0);
        });
    }
}
