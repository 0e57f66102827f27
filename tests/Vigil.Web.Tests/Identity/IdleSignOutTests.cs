using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Identity;

/// <summary>HIPAA automatic log-off in the browser, with the server's idle limit set short for the test.</summary>
[Collection(BrowserCollection.Name)]
public sealed class IdleSignOutTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync(new Dictionary<string, string> { ["Vigil__Sessions__IdleTimeout"] = "00:00:12" });
        await _server.CreateUserAsync("ida", "Ida Idle", VigilRoles.Clinician);
        var otto = await _server.CreateUserAsync("otto", "Otto Observer", VigilRoles.Clinician);
        using var ida = await _server.ClientForAsync("ida");
        await ida.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [otto.Id]));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_idle_session_is_warned_then_signed_out_and_its_screen_cleared()
    {
        await using var otto = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var ida = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await ida.RunAsync(nameof(An_idle_session_is_warned_then_signed_out_and_its_screen_cleared), async () =>
        {
            await otto.SignInAsync("otto");
            await ida.SignInAsync("ida");
            // A colleague sees Ida go away after a quarter of the limit (3 s), before the warning.
            var dot = otto.Page.GetByTestId("conversation-link").Locator(".presence");
            await Expect(dot).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("\\baway\\b"), new() { Timeout = 10_000 });
            // Limit 12 s: the warning shows for the last 6 s (half the limit, as it is under two minutes).
            var warning = ida.Page.GetByRole(AriaRole.Alertdialog);
            await Expect(warning).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(warning).ToContainTextAsync("You will be signed out in");

            await Expect(ida.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(ida.Page.GetByText("signed out because the page was not used")).ToBeVisibleAsync();
            Assert.Null(await ida.Page.EvaluateAsync<string?>("() => sessionStorage.getItem('vigil.session')"));
            // Coming back to the app asks for the password again.
            await ida.Page.GotoAsync("chat");
            await Expect(ida.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync(new() { Timeout = 60_000 });
        });
    }

    [Fact]
    public async Task Using_the_page_during_the_warning_keeps_the_session()
    {
        await using var ida = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await ida.RunAsync(nameof(Using_the_page_during_the_warning_keeps_the_session), async () =>
        {
            await ida.SignInAsync("ida");
            var warning = ida.Page.GetByRole(AriaRole.Alertdialog);
            await Expect(warning).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await warning.GetByRole(AriaRole.Button, new() { Name = "Stay signed in" }).ClickAsync();
            await Expect(warning).ToHaveCountAsync(0);
            await Expect(ida.Page.Locator(".app[data-ready=true]")).ToBeVisibleAsync();
        });
    }
}
