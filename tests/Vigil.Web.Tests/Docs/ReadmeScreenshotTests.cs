using Vigil.Contracts;
using Vigil.Testing;
using Vigil.Web.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Web.Tests.Docs;

/// <summary>
/// The README's screenshots, taken from a realistic scene on every run (under artifacts/screenshots); with
/// VIGIL_UPDATE_DOCS=1 they replace the committed ones under docs/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadmeScreenshotTests(BrowserFixture browser) : IAsyncLifetime
{
    private WebServer _server = default!;
    private ConversationDto _study = default!;
    private ConversationDto _care = default!;

    public async Task InitializeAsync()
    {
        _server = await WebServer.StartAsync();
        var hana = await _server.CreateUserAsync("hana", "Dr Hana Okafor", VigilRoles.Clinician, VigilRoles.Researcher);
        var liam = await _server.CreateUserAsync("liam", "Liam Chen", VigilRoles.Researcher);
        var sofia = await _server.CreateUserAsync("sofia", "Sofia Marquez", VigilRoles.SafetyOfficer);
        var patient = await _server.CreateUserAsync("jonas", "Jonas Weber", VigilRoles.Patient);
        using var hanaClient = await _server.ClientForAsync("hana");
        using var liamClient = await _server.ClientForAsync("liam");
        using var sofiaClient = await _server.ClientForAsync("sofia");
        _study = await hanaClient.CreateConversationAsync(new CreateConversationRequest(
            ConversationKinds.Channel, [liam.Id, sofia.Id], "ONC-114 site team", "private"));
        var agenda = await hanaClient.SendMessageAsync(_study.Id,
            "Morning all. Protocol **amendment 3** is approved; the updated visit schedule is in the study folder.");
        await liamClient.SendMessageAsync(_study.Id, "Great. Site 12 has screened 14 participants, 11 randomised.", replyToId: agenda.Id);
        await sofiaClient.SendMessageAsync(_study.Id, "Reminder: any suspected adverse event goes to the safety queue within 24 h.");
        var edited = await liamClient.SendMessageAsync(_study.Id, "Monitoring visit moved to Thursday 10:00");
        await liamClient.EditMessageAsync(edited.Id, "Monitoring visit moved to Thursday 14:00", "monitor's flight changed");
        await hanaClient.SendMessageAsync(_study.Id, "Thanks @liam, I'll book the room.");
        await hanaClient.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [sofia.Id]));
        _care = await hanaClient.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id], "Jonas Weber · care team"));
        await hanaClient.SendMessageAsync(_care.Id, "Hello Jonas, how are you getting on with the new dose?");
        using var jonasClient = await _server.ClientForAsync("jonas");
        await jonasClient.SendMessageAsync(_care.Id, "Much better this week, thank you. Sleeping well again.");
        _ = hana;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_main_screen_and_the_patient_phone_view_are_captured()
    {
        await using var hana = await BrowserSession.OpenAsync(browser.Browser, _server.Address, 1280, 760);
        await hana.SignInAsync("hana");
        await hana.OpenConversationAsync(_study.Id);
        await Expect(hana.Message("book the room")).ToBeVisibleAsync();
        await hana.Message("amendment 3").GetByTestId("replies").ClickAsync();
        await Expect(hana.Page.GetByTestId("thread").GetByText("Site 12 has screened")).ToBeVisibleAsync();
        await hana.Page.GetByTestId("composer").First.FillAsync("Draft agenda for Thursday attached");
        var main = await hana.ScreenshotAsync("main-screen");

        await using var jonas = await BrowserSession.OpenAsync(browser.Browser, _server.Address, 375, 740);
        await jonas.SignInAsync("jonas");
        await jonas.OpenConversationAsync(_care.Id);
        await Expect(jonas.Message("Sleeping well")).ToBeVisibleAsync();
        var phone = await jonas.ScreenshotAsync("patient-phone");

        foreach (var path in new[] { main, phone })
        {
            var bytes = await File.ReadAllBytesAsync(path);
            Assert.True(bytes.Length > 10_000);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            if (Environment.GetEnvironmentVariable("VIGIL_UPDATE_DOCS") == "1")
            {
                var docs = Path.Combine(RepositoryPaths.Root, "docs", "screenshots");
                Directory.CreateDirectory(docs);
                File.Copy(path, Path.Combine(docs, Path.GetFileName(path)), overwrite: true);
            }
        }
    }
}
