using Microsoft.Playwright;
using Vigil.Contracts;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Admin;

/// <summary>The administrator's and the compliance officer's screens do what they say, against the real server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AdministrationPagesTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        await _server.CreateUserAsync("cora", "Cora Compliance", VigilRoles.ComplianceOfficer);
        await _server.CreateUserAsync("ed", "Ed Editor", VigilRoles.Researcher);
        var fay = await _server.CreateUserAsync("fay", "Fay Reader", VigilRoles.Researcher);
        using var ed = await _server.ClientForAsync("ed");
        var conversation = await ed.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [fay.Id]));
        var message = await ed.SendMessageAsync(conversation.Id, "Batch 42 released");
        await ed.EditMessageAsync(message.Id, "Batch 42 on hold", "QA found a deviation");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_administrator_creates_a_user_changes_roles_and_disables_them()
    {
        await using var admin = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await admin.RunAsync(nameof(An_administrator_creates_a_user_changes_roles_and_disables_them), async () =>
        {
            await admin.SignInAsync("admin");
            await admin.Page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
            await admin.Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Gil Pharmacist");
            await admin.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("gil");
            await admin.Page.GetByLabel("E-mail").FillAsync("gil@example.org");
            await admin.Page.GetByLabel("Initial password").FillAsync(WebServer.Password);
            await admin.Page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync(VigilRoles.Clinician);
            await admin.Page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();

            var row = admin.Page.GetByTestId("user-row").Filter(new() { HasText = "Gil Pharmacist" });
            await Expect(row).ToBeVisibleAsync();
            await row.GetByRole(AriaRole.Group, new() { Name = "Roles of gil" }).GetByLabel(VigilRoles.SafetyOfficer).CheckAsync();
            await Expect(row.GetByRole(AriaRole.Group).GetByLabel(VigilRoles.SafetyOfficer)).ToBeCheckedAsync();
            // A checked box is the browser's state; wait until the server has the role before the next change.
            for (var i = 0; i < 100 && !(await RolesOfAsync("gil")).Contains(VigilRoles.SafetyOfficer); i++)
            {
                await Task.Delay(100);
            }

            await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
            await Expect(row).ToContainTextAsync("disabled");

            var gil = (await _server.Admin.ListUsersAsync()).Single(u => u.Username == "gil");
            Assert.Equal([VigilRoles.Clinician, VigilRoles.SafetyOfficer], gil.Roles.Order());
            Assert.True(gil.Disabled);
        });
    }

    private async Task<IReadOnlyList<string>> RolesOfAsync(string username) =>
        (await _server.Admin.ListUsersAsync()).Single(u => u.Username == username).Roles;

    [Fact]
    public async Task A_compliance_officer_filters_the_audit_trail_and_sees_previous_and_new_values()
    {
        await using var cora = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await cora.RunAsync(nameof(A_compliance_officer_filters_the_audit_trail_and_sees_previous_and_new_values), async () =>
        {
            await cora.SignInAsync("cora");
            await cora.Page.GetByRole(AriaRole.Link, new() { Name = "Audit trail" }).ClickAsync();
            await Expect(cora.Page.GetByTestId("ledger-status")).ToContainTextAsync("vigil ledger verify");
            await cora.Page.GetByLabel("Action").FillAsync("message.edited");
            await cora.Page.GetByLabel("Show previous and new values").CheckAsync();
            await cora.Page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

            var table = cora.Page.GetByTestId("audit-table");
            await Expect(table.Locator("tbody tr")).ToHaveCountAsync(1);
            await Expect(table).ToContainTextAsync("Batch 42 released");
            await Expect(table).ToContainTextAsync("Batch 42 on hold");
            await Expect(table).ToContainTextAsync("QA found a deviation");
            await Expect(table).ToContainTextAsync("Ed Editor");

            var download = await cora.Page.RunAndWaitForDownloadAsync(() =>
                cora.Page.GetByRole(AriaRole.Button, new() { Name = "Export CSV" }).ClickAsync());
            var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
            Assert.Contains("message.edited", csv, StringComparison.Ordinal);
        });
    }
}
