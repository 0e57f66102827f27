using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Resilience;

/// <summary>The server goes away and comes back (an upgrade, a crash): the browser keeps everything and loses nothing.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ServerRestartTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _direct = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("rita", "Rita Researcher", VigilRoles.Researcher);
        var sam = await _server.CreateUserAsync("sam", "Sam Scientist", VigilRoles.Researcher);
        using var rita = await _server.ClientForAsync("rita");
        _direct = await rita.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [sam.Id]));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_message_written_while_the_server_is_down_is_sent_once_after_it_restarts()
    {
        await using var rita = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var sam = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await rita.RunAsync(nameof(A_message_written_while_the_server_is_down_is_sent_once_after_it_restarts), async () =>
        {
            await rita.SignInAsync("rita");
            await sam.SignInAsync("sam");
            await rita.OpenConversationAsync(_direct.Id);
            await sam.OpenConversationAsync(_direct.Id);
            await rita.SendAsync("Before the restart");
            await Expect(sam.Message("Before the restart")).ToBeVisibleAsync();

            await _server.StopAsync();
            await Expect(rita.Page.GetByTestId("connection")).Not.ToHaveTextAsync("Online", new() { Timeout = 30_000 });
            await rita.SendAsync("Written while the server was down");
            await Expect(rita.Page.GetByTestId("outgoing")).ToContainTextAsync("Not sent yet", new() { Timeout = 60_000 });

            await _server.StartProcessAsync();
            await Expect(rita.Page.GetByTestId("connection")).ToHaveTextAsync("Online", new() { Timeout = 60_000 });
            await Expect(sam.Page.GetByTestId("connection")).ToHaveTextAsync("Online", new() { Timeout = 60_000 });
            await Expect(sam.Message("Written while the server was down")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            await Expect(rita.Page.GetByTestId("outgoing")).ToHaveCountAsync(0);
            await Expect(rita.Message("Written while the server was down")).ToHaveCountAsync(1);
            await Expect(sam.Message("Before the restart")).ToHaveCountAsync(1);

            // The server holds exactly one copy, and a reload shows the same history.
            using var client = await _server.ClientForAsync("sam");
            var stored = await client.GetMessagesAsync(_direct.Id);
            Assert.Equal(2, stored.Count);
            await sam.Page.ReloadAsync();
            await Expect(sam.Message("Written while the server was down")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        });
    }
}
