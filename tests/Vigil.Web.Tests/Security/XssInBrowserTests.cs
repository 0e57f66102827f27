using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Testing;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Security;

/// <summary>
/// Every markup-like string of the Big List of Naughty Strings posted as a message, then shown in a real browser: no
/// dialog opens, no script runs and the page's CSP never has to refuse anything (nothing got far enough to try).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class XssInBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _channel = default!;
    private int _posted;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("eve", "Eve Tester", VigilRoles.Researcher);
        var victim = await _server.CreateUserAsync("victor", "Victor Viewer", VigilRoles.Researcher);
        using var eve = await _server.ClientForAsync("eve");
        _channel = await eve.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [victim.Id], "naughty strings"));
        var strings = JsonSerializer.Deserialize<string[]>(File.ReadAllText(RepositoryPaths.SharedData("naughty-strings", "blns.json")))!;
        foreach (var text in strings.Where(LooksLikeMarkup))
        {
            await eve.SendMessageAsync(_channel.Id, text);
            _posted++;
        }
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static bool LooksLikeMarkup(string text) =>
        !string.IsNullOrWhiteSpace(text)
        && (text.Contains('<', StringComparison.Ordinal) || text.Contains("javascript", StringComparison.OrdinalIgnoreCase)
            || text.Contains("script", StringComparison.OrdinalIgnoreCase) || text.Contains("](", StringComparison.Ordinal));

    [Fact]
    public async Task Naughty_strings_shown_in_the_browser_run_no_script()
    {
        Assert.True(_posted > 50, $"only {_posted} payloads");
        await using var victor = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        var dialogs = new List<string>();
        victor.Page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        await victor.Page.AddInitScriptAsync("""
            window.__violations = [];
            document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        await victor.RunAsync(nameof(Naughty_strings_shown_in_the_browser_run_no_script), async () =>
        {
            await victor.SignInAsync("victor");
            await victor.OpenConversationAsync(_channel.Id);
            // Scroll back through the whole history (pages of 50).
            var start = victor.Page.GetByText("Start of the conversation");
            // Scrolling to the top loads the page before (infinite scroll) until the start is reached.
            for (var i = 0; i < 40 && await start.CountAsync() == 0; i++)
            {
                await victor.Page.GetByTestId("messages").EvaluateAsync("e => e.scrollTop = 0");
                await victor.Page.WaitForTimeoutAsync(300);
            }

            await Expect(start).ToBeVisibleAsync();
            await Expect(victor.Page.GetByTestId("message")).ToHaveCountAsync(_posted);
            // Hover and click through every link a message produced: none may lead to script.
            var hrefs = await victor.Page.Locator(".message .body a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href') ?? '')");
            Assert.All(hrefs, href => Assert.True(href.Length == 0 || href.StartsWith("http", StringComparison.OrdinalIgnoreCase)
                || href.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase), href));
            Assert.Equal(0, await victor.Page.Locator(".message .body script, .message .body img, .message .body iframe, .message .body svg").CountAsync());
            await victor.Page.WaitForTimeoutAsync(500);
            Assert.Empty(dialogs);
            Assert.Empty(await victor.Page.EvaluateAsync<string[]>("() => window.__violations"));
        });
    }
}
