namespace Vigil.Web.Tests.Infrastructure;

/// <summary>Debian's Chromium, which the test command installs; Playwright drives it and downloads nothing.</summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run",
        "--disable-dev-shm-usage",
    ];

    /// <summary>Browser tests fail (never skip) without Chromium: CI must prove the web client.</summary>
    public static void Require()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: install it with 'apt-get install -y chromium' (./test.sh does this).");
        }
    }
}
