using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Accessibility;

/// <summary>WCAG 2.1 AA: axe-core finds no serious or critical violation on the main pages, wide and phone-sized.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AxeScanTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _group = default!;
    private ConversationDto _care = default!;
    private SafetyCaseDto _case = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        var nora = await _server.CreateUserAsync("nora", "Nora Nurse", VigilRoles.Clinician, VigilRoles.ComplianceOfficer, VigilRoles.SafetyOfficer);
        var omar = await _server.CreateUserAsync("omar", "Omar Oncologist", VigilRoles.Clinician);
        var paula = await _server.CreateUserAsync("paula", "Paula Patient", VigilRoles.Patient);
        using var client = await _server.ClientForAsync("nora");
        _group = await client.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [omar.Id], "Tumour board"));
        var first = await client.SendMessageAsync(_group.Id, "Agenda for **Thursday**: three cases, see https://intranet.example/board");
        await client.SendMessageAsync(_group.Id, "Case 2 needs imaging first", replyToId: first.Id);
        var edited = await client.SendMessageAsync(_group.Id, "Room B at 14:00");
        await client.EditMessageAsync(edited.Id, "Room C at 14:00", "room changed");
        _case = await client.RaiseSafetyCaseAsync(new RaiseSafetyCaseRequest(first.Id, "Checking a possible rash report"));
        _care = await client.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [paula.Id], "Paula's care team"));
        await client.SendMessageAsync(_care.Id, "Hello Paula, your next appointment is on Monday.");
        _ = nora;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public static TheoryData<string, int> StaffPages() => new()
    {
        { "chat", 1280 },
        { "chat/{group}", 1280 },
        { "chat/{group}", 375 },
        { "account", 1280 },
        { "audit", 1280 },
        { "safety/{case}", 1280 },
    };

    [Theory]
    [MemberData(nameof(StaffPages))]
    public async Task A_staff_page_has_no_serious_accessibility_violation(string path, int width)
    {
        await using var nora = await BrowserSession.OpenAsync(browser.Browser, _server.Address, width, width < 500 ? 740 : 800);
        await nora.RunAsync($"axe-{path.Replace('/', '-')}-{width}", async () =>
        {
            await nora.SignInAsync("nora");
            await nora.GoToAsync(path.Replace("{group}", _group.Id.ToString(), StringComparison.Ordinal)
                .Replace("{case}", _case.Id.ToString(), StringComparison.Ordinal));
            if (path.Contains("{case}", StringComparison.Ordinal))
            {
                await Expect(nora.Page.GetByTestId("safety-case")).ToBeVisibleAsync();
            }

            if (path.Contains("{group}", StringComparison.Ordinal))
            {
                await Expect(nora.Message("Room C")).ToBeVisibleAsync();
            }

            await AssertNoSeriousViolationsAsync(nora.Page);
        });
    }

    [Fact]
    public async Task The_sign_in_page_has_no_serious_accessibility_violation()
    {
        await using var anyone = await BrowserSession.OpenAsync(browser.Browser, _server.Address, 375, 740);
        await anyone.GoToAsync("signin");
        await AssertNoSeriousViolationsAsync(anyone.Page);
    }

    [Fact]
    public async Task The_administrator_pages_have_no_serious_accessibility_violation()
    {
        await using var admin = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await admin.RunAsync("axe-admin", async () =>
        {
            await admin.SignInAsync("admin");
            await admin.GoToAsync("admin/users");
            await Expect(admin.Page.GetByTestId("user-row")).ToHaveCountAsync(4);
            await AssertNoSeriousViolationsAsync(admin.Page);
        });
    }

    [Fact]
    public async Task The_patient_view_on_a_phone_has_no_serious_accessibility_violation()
    {
        await using var paula = await BrowserSession.OpenAsync(browser.Browser, _server.Address, 375, 740);
        await paula.RunAsync("axe-patient", async () =>
        {
            await paula.SignInAsync("paula");
            await paula.OpenConversationAsync(_care.Id);
            await Expect(paula.Message("next appointment")).ToBeVisibleAsync();
            await AssertNoSeriousViolationsAsync(paula.Page);
            // Nothing wider than the phone: no sideways scrolling.
            Assert.True(await paula.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"));
        });
    }

    [Fact]
    public async Task Keyboard_alone_reaches_the_composer_and_sends()
    {
        await using var omar = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await omar.RunAsync("keyboard", async () =>
        {
            await omar.SignInAsync("omar");
            await omar.OpenConversationAsync(_group.Id);
            var composer = omar.Page.GetByTestId("composer");
            for (var i = 0; i < 80 && !await composer.EvaluateAsync<bool>("e => e === document.activeElement"); i++)
            {
                await omar.Page.Keyboard.PressAsync("Tab");
            }

            await Expect(composer).ToBeFocusedAsync();
            await omar.Page.Keyboard.TypeAsync("Sent with the keyboard only");
            await omar.Page.Keyboard.PressAsync("Enter");
            await Expect(omar.Message("Sent with the keyboard only")).ToBeVisibleAsync();
        });
    }

    private static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        Assert.Empty(serious);
    }
}
