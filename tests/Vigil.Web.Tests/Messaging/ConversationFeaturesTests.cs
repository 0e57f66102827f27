using System.Text;
using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Messaging;

/// <summary>The messenger's everyday features, each seen from the other side as well.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConversationFeaturesTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _direct = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("alice", "Alice Clinician", VigilRoles.Clinician);
        var bob = await _server.CreateUserAsync("bob", "Bob Researcher", VigilRoles.Researcher);
        await _server.CreateUserAsync("carl", "Carl Coordinator", VigilRoles.Researcher);
        using var alice = await _server.ClientForAsync("alice");
        _direct = await alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]));
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Unread_counts_previews_typing_and_read_receipts_follow_the_conversation()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(Unread_counts_previews_typing_and_read_receipts_follow_the_conversation), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_direct.Id);
            await Expect(bob.Page.GetByTestId("conversation-link")).ToContainTextAsync("Alice Clinician");
            // Presence: Bob learns Alice was already online when he connected; Alice hears Bob come online.
            await Expect(bob.Page.GetByTestId("conversation-link").Locator(".presence.online")).ToHaveCountAsync(1);
            await Expect(alice.Page.GetByTestId("conversation-link").Locator(".presence.online")).ToHaveCountAsync(1);

            await alice.Page.GetByTestId("composer").PressSequentiallyAsync("Lab results are in");
            await bob.Page.GetByTestId("conversation-link").ClickAsync();
            await Expect(bob.Page.GetByText("Alice Clinician is typing…")).ToBeVisibleAsync();
            await bob.Page.GoBackAsync();
            await alice.Page.GetByTestId("composer").PressAsync("Enter");

            var link = bob.Page.GetByTestId("conversation-link");
            await Expect(link.GetByTestId("unread")).ToContainTextAsync("1");
            await Expect(link).ToContainTextAsync("Lab results are in");
            await link.ClickAsync();
            await Expect(bob.Message("Lab results are in")).ToBeVisibleAsync();
            await Expect(link.GetByTestId("unread")).ToHaveCountAsync(0);
            await Expect(alice.Page.GetByTestId("read-by")).ToHaveTextAsync("Read by Bob Researcher");
        });
    }

    [Fact]
    public async Task Searching_messages_from_the_list_finds_them_and_opens_their_conversation()
    {
        using (var alice = await _server.ClientForAsync("alice"))
        {
            await alice.SendMessageAsync(_direct.Id, "Lithium levels look stable this week");
            // The search index trails the commit by one indexer pass.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await alice.SearchAsync("lithium")).Count == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }

        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await bob.RunAsync(nameof(Searching_messages_from_the_list_finds_them_and_opens_their_conversation), async () =>
        {
            await bob.SignInAsync("bob");
            var search = bob.Page.GetByTestId("search");
            await search.FillAsync("lithium STABLE");
            await search.PressAsync("Enter");

            var hit = bob.Page.GetByTestId("message-hit");
            await Expect(hit).ToHaveCountAsync(1);
            await Expect(hit).ToContainTextAsync("Alice Clinician");
            await Expect(hit).ToContainTextAsync("Lithium levels look stable this week");
            await hit.ClickAsync();
            await Expect(bob.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"chat/{_direct.Id}"));
            await Expect(bob.Message("Lithium levels look stable this week")).ToBeVisibleAsync();

            await search.FillAsync("lithium carbonate");
            await search.PressAsync("Enter");
            await Expect(bob.Page.GetByText("No message holds every word of “lithium carbonate”.")).ToBeVisibleAsync();
            await search.FillAsync("");
            await Expect(bob.Page.GetByTestId("message-hit")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task Mentions_autocomplete_from_the_members()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(Mentions_autocomplete_from_the_members), async () =>
        {
            await alice.SignInAsync("alice");
            await alice.OpenConversationAsync(_direct.Id);
            var composer = alice.Page.GetByTestId("composer");
            await composer.PressSequentiallyAsync("Can you check this @bo");
            var suggestions = alice.Page.GetByRole(AriaRole.Listbox, new() { Name = "People to mention" });
            await Expect(suggestions.GetByRole(AriaRole.Option)).ToHaveCountAsync(1);
            await suggestions.GetByRole(AriaRole.Button, new() { Name = "Bob Researcher" }).ClickAsync();
            await Expect(composer).ToHaveValueAsync("Can you check this @bob ");
            await composer.PressAsync("Enter");
            await Expect(alice.Message("Can you check this @bob")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task An_attachment_uploads_with_progress_and_downloads_unchanged_on_the_other_side()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(An_attachment_uploads_with_progress_and_downloads_unchanged_on_the_other_side), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_direct.Id);
            await bob.OpenConversationAsync(_direct.Id);
            var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("visit,subject,result\n12,0042,negative\n", 20_000)));
            await alice.Page.Locator("input[type=file]").First.SetInputFilesAsync(new FilePayload
            {
                Name = "site12-results.csv",
                MimeType = "text/csv",
                Buffer = content,
            });
            await Expect(alice.Page.GetByText("Attached: site12-results.csv")).ToBeVisibleAsync();
            await alice.SendAsync("Results attached");

            var message = bob.Message("Results attached");
            await Expect(message).ToBeVisibleAsync();
            var download = await bob.Page.RunAndWaitForDownloadAsync(() =>
                message.GetByRole(AriaRole.Button, new() { Name = "Download site12-results.csv" }).ClickAsync());
            Assert.Equal("site12-results.csv", download.SuggestedFilename);
            var path = await download.PathAsync();
            Assert.Equal(content, await File.ReadAllBytesAsync(path!));
        });
    }

    [Fact]
    public async Task Scrolling_up_loads_older_history_until_the_start()
    {
        using (var alice = await _server.ClientForAsync("alice"))
        {
            for (var i = 1; i <= 130; i++)
            {
                await alice.SendMessageAsync(_direct.Id, $"History line {i:000}");
            }
        }

        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await bob.RunAsync(nameof(Scrolling_up_loads_older_history_until_the_start), async () =>
        {
            await bob.SignInAsync("bob");
            await bob.OpenConversationAsync(_direct.Id);
            await Expect(bob.Message("History line 130")).ToBeVisibleAsync();
            Assert.True(await bob.Page.GetByTestId("message").CountAsync() <= 100);
            for (var i = 0; i < 10 && await bob.Page.GetByText("Start of the conversation").CountAsync() == 0; i++)
            {
                await bob.Page.GetByTestId("messages").EvaluateAsync("e => e.scrollTop = 0");
                await bob.Page.WaitForTimeoutAsync(400);
            }

            await Expect(bob.Message("History line 001")).ToHaveCountAsync(1);
            await Expect(bob.Page.GetByTestId("message")).ToHaveCountAsync(130);
        });
    }

    [Fact]
    public async Task A_new_group_appears_live_for_its_members()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var carl = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(A_new_group_appears_live_for_its_members), async () =>
        {
            await alice.SignInAsync("alice");
            await carl.SignInAsync("carl");
            await alice.Page.GetByRole(AriaRole.Button, new() { Name = "New" }).ClickAsync();
            var dialog = alice.Page.GetByRole(AriaRole.Dialog, new() { Name = "New conversation" });
            await dialog.GetByLabel("Group").CheckAsync();
            await dialog.GetByLabel("Title").FillAsync("Site 12 monitoring");
            await dialog.GetByLabel("Carl Coordinator").CheckAsync();
            await dialog.GetByLabel("Bob Researcher").CheckAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start" }).ClickAsync();
            await Expect(alice.Page.GetByRole(AriaRole.Heading, new() { Name = "Site 12 monitoring" })).ToBeVisibleAsync();
            await alice.SendAsync("Kick-off on Monday");

            var link = carl.Page.GetByTestId("conversation-link").Filter(new() { HasText = "Site 12 monitoring" });
            await Expect(link).ToBeVisibleAsync();
            await link.ClickAsync();
            await Expect(carl.Message("Kick-off on Monday")).ToBeVisibleAsync();
        });
    }
}
