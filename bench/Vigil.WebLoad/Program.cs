using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

// Cold-load cost of the web client: bytes over the wire (as the browser received them, compressed) and the time
// from navigation to an interactive app, each from an empty browser cache. Run it on the published server:
//   dotnet publish src/Vigil.Server -c Release -o /tmp/vigil-pub
//   dotnet run --project bench/Vigil.WebLoad -c Release -- /tmp/vigil-pub [runs]
if (args.Length < 1 || !File.Exists(Path.Combine(args[0], "Vigil.Server.dll")))
{
    Console.Error.WriteLine("usage: Vigil.WebLoad PUBLISHED_SERVER_FOLDER [runs]");
    return 2;
}

var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var data = Directory.CreateTempSubdirectory("vigil-webload-").FullName;
await using var server = await ServerProcess.StartAsync(data, serverDirectory: Path.GetFullPath(args[0]));
const string password = "Web-Load-Bench-2026!";
using (var admin = new VigilClient(server.Address))
{
    await admin.SetupAsync(new CreateUserRequest("admin", password, "Ada Admin", "admin@example.org"));
}

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = "/usr/bin/chromium",
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

var signInPage = new List<double>();
var chatAfterSignIn = new List<double>();
var bytesByKind = new Dictionary<string, long>();
long total = 0;
for (var run = 0; run < runs; run++)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Address.ToString() });
    var page = await context.NewPageAsync();
    var responses = new List<IResponse>();
    page.Response += (_, response) => responses.Add(response);

    var clock = Stopwatch.StartNew();
    await page.GotoAsync("signin");
    await page.Locator("[data-ready=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
    signInPage.Add(clock.Elapsed.TotalMilliseconds);

    await page.GetByLabel("User name", new() { Exact = true }).FillAsync("admin");
    await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
    clock.Restart();
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.Locator(".app[data-ready=true]").WaitForAsync(new LocatorWaitForOptions { Timeout = 120_000 });
    chatAfterSignIn.Add(clock.Elapsed.TotalMilliseconds);

    if (run == 0)
    {
        foreach (var response in responses.Where(r => !r.Url.Contains("/api/", StringComparison.Ordinal) && !r.Url.Contains("/hubs/", StringComparison.Ordinal)))
        {
            var sizes = await response.Request.SizesAsync();
            var kind = Path.GetExtension(new Uri(response.Url).AbsolutePath) is { Length: > 0 } extension ? extension : "(page)";
            // -1 where the browser did not report a size (a response it never read); count nothing for it.
            var body = Math.Max(0, sizes.ResponseBodySize);
            bytesByKind[kind] = bytesByKind.GetValueOrDefault(kind) + body;
            total += body;
        }
    }
}

static string Median(List<double> values) => values.Order().ElementAt(values.Count / 2).ToString("0", CultureInfo.InvariantCulture);

static string P90(List<double> values) => values.Order().ElementAt((int)Math.Ceiling(values.Count * 0.9) - 1).ToString("0", CultureInfo.InvariantCulture);

Console.WriteLine($"| measure ({runs} cold loads, empty cache each) | median | p90 |");
Console.WriteLine("| --- | --- | --- |");
Console.WriteLine($"| navigation to interactive sign-in page (ms) | {Median(signInPage)} | {P90(signInPage)} |");
Console.WriteLine($"| sign-in click to live conversation list (ms) | {Median(chatAfterSignIn)} | {P90(chatAfterSignIn)} |");
Console.WriteLine();
Console.WriteLine("| downloaded (first load, compressed as sent) | bytes |");
Console.WriteLine("| --- | --- |");
foreach (var (kind, bytes) in bytesByKind.OrderByDescending(k => k.Value))
{
    Console.WriteLine($"| {kind} | {bytes.ToString("N0", CultureInfo.InvariantCulture)} |");
}

Console.WriteLine($"| **total** | **{total.ToString("N0", CultureInfo.InvariantCulture)}** ({total / 1024.0 / 1024.0:0.00} MiB) |");
try
{
    Directory.Delete(data, recursive: true);
}
catch (IOException)
{
    // Left for the OS to clean.
}

return 0;
