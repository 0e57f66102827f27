using Microsoft.Playwright;
using OtpNet;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Identity;

/// <summary>A new organisation in the browser: the first administrator, a second factor with a QR code, sign-out and back in.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstRunTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;

    public async Task InitializeAsync() => _server = await WebServer.StartAsync(setUp: false);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_first_administrator_is_created_enrols_totp_and_signs_in_again_with_a_code()
    {
        await using var ada = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await ada.RunAsync(nameof(The_first_administrator_is_created_enrols_totp_and_signs_in_again_with_a_code), async () =>
        {
            await ada.GoToAsync("");
            await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Create the first administrator" })).ToBeVisibleAsync();
            await ada.Page.GetByLabel("Your name").FillAsync("Ada Admin");
            await ada.Page.GetByLabel("E-mail").FillAsync("ada@example.org");
            await ada.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("ada");
            await ada.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Create and sign in" }).ClickAsync();

            await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Set up an authenticator app" }).ClickAsync();
            var qr = ada.Page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app" });
            await Expect(qr).ToBeVisibleAsync();
            Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"), StringComparison.Ordinal);
            var key = await ada.Page.GetByTestId("totp-key").InnerTextAsync();
            var totp = new Totp(Base32Encoding.ToBytes(key.Trim()));
            await ada.Page.GetByLabel("Code from the app").FillAsync(totp.ComputeTotp());
            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
            await Expect(ada.Page.GetByTestId("recovery-codes").Locator("li")).ToHaveCountAsync(10);

            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
            await Expect(ada.Page.GetByRole(AriaRole.Heading, new() { Name = "Sign in" })).ToBeVisibleAsync();
            await ada.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("ada");
            await ada.Page.GetByLabel("Password", new() { Exact = true }).FillAsync(WebServer.Password);
            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(ada.Page.GetByLabel("Code from your authenticator app")).ToBeVisibleAsync();
            await ada.Page.GetByLabel("Code from your authenticator app").FillAsync(totp.ComputeTotp());
            await ada.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(ada.Page.Locator(".app[data-ready=true]")).ToBeVisibleAsync();
            await Expect(ada.Page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task A_wrong_password_shows_a_clear_error_and_keeps_the_form()
    {
        using (var client = new Vigil.Client.VigilClient(_server.Address))
        {
            await client.SetupAsync(new Vigil.Contracts.CreateUserRequest("root", WebServer.Password, "Root Admin", "root@example.org"));
        }

        await using var someone = await BrowserSession.OpenAsync(browser.Browser, _server.Address);
        await someone.GoToAsync("signin");
        await someone.Page.GetByLabel("User name", new() { Exact = true }).FillAsync("root");
        await someone.Page.GetByLabel("Password", new() { Exact = true }).FillAsync("not the password");
        await someone.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(someone.Page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Expect(someone.Page.GetByLabel("User name", new() { Exact = true })).ToHaveValueAsync("root");
    }
}
