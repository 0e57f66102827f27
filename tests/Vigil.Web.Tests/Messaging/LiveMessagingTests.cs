using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Messaging;

/// <summary>Two people in two browsers (separate contexts, like two devices) talking through the real server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveMessagingTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _direct = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        var alice = await _server.CreateUserAsync("alice", "Alice Clinician", VigilRoles.Clinician);
        var bob = await _server.CreateUserAsync("bob", "Bob Researcher", VigilRoles.Researcher);
        using var aliceClient = await _server.ClientForAsync("alice");
        _direct = await aliceClient.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]));
        _ = alice;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Messages_sent_in_one_browser_appear_live_in_the_other()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(Messages_sent_in_one_browser_appear_live_in_the_other), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_direct.Id);
            await bob.OpenConversationAsync(_direct.Id);

            await alice.SendAsync("Morning Bob, the **protocol v3** is out");
            await Expect(bob.Message("protocol v3")).ToBeVisibleAsync();
            await Expect(bob.Message("protocol v3").Locator("strong")).ToHaveTextAsync("protocol v3");
            await Expect(bob.Message("protocol v3")).ToContainTextAsync("Alice Clinician");

            await bob.SendAsync("Thanks, reading it now");
            await Expect(alice.Message("reading it now")).ToBeVisibleAsync();
            // Alice's message is confirmed (no longer pending) and Bob has read it.
            await Expect(alice.Page.GetByTestId("outgoing")).ToHaveCountAsync(0);
            await Expect(alice.Page.GetByTestId("message")).ToHaveCountAsync(2);
        });
        Assert.Empty(alice.PageErrors);
        Assert.Empty(bob.PageErrors);
    }

    [Fact]
    public async Task An_edit_and_a_delete_propagate_with_history_and_a_tombstone()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(An_edit_and_a_delete_propagate_with_history_and_a_tombstone), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_direct.Id);
            await bob.OpenConversationAsync(_direct.Id);

            await alice.SendAsync("Dose is 50 mg");
            await Expect(bob.Message("Dose is 50 mg")).ToBeVisibleAsync();

            // Pinned by sequence: while it is edited the text lives in a textarea, not in the article's text.
            var sequence = await alice.Message("Dose is 50 mg").GetAttributeAsync("data-sequence");
            var mine = alice.Page.Locator($"[data-testid=message][data-sequence='{sequence}']");
            await mine.GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
            await mine.GetByLabel("Edit message").FillAsync("Dose is 25 mg");
            await mine.GetByLabel("Reason for the change").FillAsync("typo in the dose");
            await mine.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

            var seen = bob.Message("Dose is 25 mg");
            await Expect(seen).ToBeVisibleAsync();
            await Expect(seen.GetByRole(AriaRole.Button, new() { Name = "(edited)" })).ToBeVisibleAsync();
            await seen.GetByRole(AriaRole.Button, new() { Name = "(edited)" }).ClickAsync();
            // The previous value stays visible in the history (21 CFR 11.10(e)).
            await Expect(seen.Locator(".history")).ToContainTextAsync("Dose is 50 mg");
            await Expect(seen.Locator(".history")).ToContainTextAsync("typo in the dose");

            await Expect(mine).ToContainTextAsync("Dose is 25 mg");
            await mine.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
            await mine.GetByLabel("Why delete this message?").FillAsync("posted in the wrong conversation");
            await mine.Locator(".delete-form").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

            await Expect(bob.Page.GetByTestId("tombstone")).ToContainTextAsync("posted in the wrong conversation");
            await Expect(bob.Page.GetByText("Dose is 25 mg")).ToHaveCountAsync(0);
        });
    }

    [Fact]
    public async Task A_thread_reply_appears_in_the_thread_not_in_the_main_timeline()
    {
        await using var alice = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await using var bob = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await alice.RunAsync(nameof(A_thread_reply_appears_in_the_thread_not_in_the_main_timeline), async () =>
        {
            await alice.SignInAsync("alice");
            await bob.SignInAsync("bob");
            await alice.OpenConversationAsync(_direct.Id);
            await bob.OpenConversationAsync(_direct.Id);

            await alice.SendAsync("Site 12 enrolment numbers?");
            var root = bob.Message("Site 12 enrolment numbers?");
            await Expect(root).ToBeVisibleAsync();
            await root.GetByRole(AriaRole.Button, new() { Name = "Reply in thread" }).ClickAsync();
            var thread = bob.Page.GetByTestId("thread");
            await Expect(thread).ToBeVisibleAsync();
            var threadComposer = thread.GetByTestId("composer");
            await threadComposer.FillAsync("Fourteen so far");
            await threadComposer.PressAsync("Enter");

            await Expect(thread.GetByTestId("message").Filter(new() { HasText = "Fourteen so far" })).ToBeVisibleAsync();
            // Alice sees the reply count on her message and the reply inside the thread.
            var aliceRoot = alice.Message("Site 12 enrolment numbers?");
            await Expect(aliceRoot.GetByTestId("replies")).ToHaveTextAsync("1 reply");
            await Expect(alice.Page.GetByTestId("messages").GetByText("Fourteen so far")).ToHaveCountAsync(0);
            await aliceRoot.GetByTestId("replies").ClickAsync();
            await Expect(alice.Page.GetByTestId("thread").GetByText("Fourteen so far")).ToBeVisibleAsync();
        });
    }
}
