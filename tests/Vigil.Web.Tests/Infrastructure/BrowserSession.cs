using Microsoft.Playwright;
using Vigil.Testing;

namespace Vigil.Web.Tests.Infrastructure;

/// <summary>A user in their own browser context (like a separate device), with the steps tests repeat.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private static readonly string ScreenshotFolder = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");
    private readonly IBrowserContext _context;

    private BrowserSession(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Errors the page reported (console errors, uncaught exceptions), to assert there were none.</summary>
    public List<string> PageErrors { get; } = [];

    public static async Task<BrowserSession> OpenAsync(IBrowser browser, Uri address, int width = 1280, int height = 800)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "Europe/Berlin",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(context, page);
        page.PageError += (_, error) => session.PageErrors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                session.PageErrors.Add(message.Text);
            }
        };
        return session;
    }

    /// <summary>Loads a page and waits until the WebAssembly app has taken over (clicks before that are lost).</summary>
    public async Task GoToAsync(string path)
    {
        await Page.GotoAsync(path);
        await Page.Locator("[data-ready=true]").First.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
    }

    public async Task SignInAsync(string username, string password = WebServer.Password)
    {
        await GoToAsync("signin");
        await Page.GetByLabel("User name", new() { Exact = true }).FillAsync(username);
        await Page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.Locator(".app[data-ready=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
    }

    public async Task OpenConversationAsync(Guid conversationId)
    {
        await Page.GotoAsync($"chat/{conversationId}");
        await Page.Locator(".app[data-ready=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
        await Page.GetByTestId("composer").First.WaitForAsync();
    }

    public async Task SendAsync(string text)
    {
        var composer = Page.GetByTestId("composer").First;
        await composer.FillAsync(text);
        await composer.PressAsync("Enter");
    }

    public ILocator Message(string text) => Page.GetByTestId("message").Filter(new LocatorFilterOptions { HasText = text });

    /// <summary>Runs a test step; on failure saves a screenshot under artifacts/screenshots, then rethrows.</summary>
    public async Task RunAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch
        {
            await ScreenshotAsync($"failed-{name}");
            throw;
        }
    }

    public async Task<string> ScreenshotAsync(string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        }
        catch (PlaywrightException)
        {
            // The page is gone; the original failure matters more.
        }

        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
