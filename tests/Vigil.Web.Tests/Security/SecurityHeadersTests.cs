using System.Net;
using System.Net.Http.Json;
using Vigil.Web.Tests.Infrastructure;

namespace Vigil.Web.Tests.Security;

/// <summary>The headers the browser enforces, on the page and on the API.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private WebServer _server = default!;

    public async Task InitializeAsync() => _server = await WebServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("signin")]
    [InlineData("chat")]
    [InlineData("api/v1/client-config")]
    public async Task Every_response_carries_a_strict_content_security_policy_and_no_framing(string path)
    {
        using var http = new HttpClient { BaseAddress = _server.Address };
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self' 'wasm-unsafe-eval';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task The_page_has_no_inline_script()
    {
        using var http = new HttpClient { BaseAddress = _server.Address };
        var html = await http.GetStringAsync("signin");
        foreach (var script in System.Text.RegularExpressions.Regex.Matches(html, "<script[^>]*>").Select(m => m.Value))
        {
            Assert.Contains(" src=", script, StringComparison.Ordinal);
        }

        Assert.DoesNotMatch(" on[a-z]+=\"", html);
    }

    /// <summary>
    /// Nothing rides on cookies, so a cross-site request has nothing to use: the session is a bearer token in the
    /// tab's sessionStorage. (Should the framework ever issue its antiforgery cookie, it is HttpOnly, Secure and
    /// SameSite=Strict by configuration.)
    /// </summary>
    [Fact]
    public async Task Neither_the_page_nor_sign_in_sets_a_cookie()
    {
        using var handler = new HttpClientHandler { UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = _server.Address };
        using var page = await http.GetAsync("signin");
        using var signIn = await http.PostAsJsonAsync("api/v1/auth/token", new { username = "admin", password = WebServer.Password });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.False(page.Headers.Contains("Set-Cookie"));
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
    }
}
