using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Identity;
using Vigil.Testing;

namespace Vigil.Server.Tests.Identity;

public sealed class SetupTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    [Fact]
    public async Task Setup_creates_the_first_administrator_then_closes()
    {
        using var client = _factory.CreateVigilClient();
        var admin = await client.SetupAsync(new CreateUserRequest("root", "S3cure-Passw0rd!", "Root", "root@example.org"));

        Assert.Contains(VigilRoles.Administrator, admin.Roles);
        var again = await Assert.ThrowsAsync<VigilApiException>(() =>
            client.SetupAsync(new CreateUserRequest("root2", "S3cure-Passw0rd!", "Root", "root2@example.org")));
        Assert.Equal(HttpStatusCode.Forbidden, again.Status);
        Assert.Equal(ProblemTypes.SetupClosed, again.ProblemType);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_setup_token_is_in_an_owner_only_file_of_the_data_folder_and_never_in_the_log()
    {
        var logged = new ConcurrentQueue<string>();
        await using var factory = _factory.WithWebHostBuilder(builder =>
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(logged))));
        using var http = factory.CreateClient();
        var token = factory.Services.GetRequiredService<SetupGate>().Token;
        var path = Path.Combine(_factory.DataDirectory, SetupAnnouncer.TokenFile);

        Assert.Equal(token, (await File.ReadAllTextAsync(path)).Trim());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Contains(logged, line => line.Contains(path, StringComparison.Ordinal));
        Assert.DoesNotContain(logged, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Setup_from_a_remote_address_needs_the_setup_token()
    {
        var http = _factory.CreateClient();
        var body = new CreateUserRequest("root", "S3cure-Passw0rd!", "Root", "root@example.org");

        using var refused = new HttpRequestMessage(HttpMethod.Post, "/api/v1/setup") { Content = JsonContent.Create(body) };
        refused.Headers.Add("X-Test-Remote-Ip", "203.0.113.7");
        var refusedResponse = await http.SendAsync(refused);
        Assert.Equal(HttpStatusCode.Forbidden, refusedResponse.StatusCode);
        Assert.Equal(ProblemTypes.SetupTokenRequired, (await refusedResponse.ProblemAsync()).GetProperty("type").GetString());

        var token = _factory.Services.GetRequiredService<SetupGate>().Token;
        using var accepted = new HttpRequestMessage(HttpMethod.Post, "/api/v1/setup") { Content = JsonContent.Create(body with { SetupToken = token }) };
        accepted.Headers.Add("X-Test-Remote-Ip", "203.0.113.7");
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(accepted)).StatusCode);
    }

    [Fact]
    public async Task Concurrent_setup_requests_create_one_administrator()
    {
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            using var client = _factory.CreateVigilClient();
            try
            {
                await client.SetupAsync(new CreateUserRequest($"root{i}", "S3cure-Passw0rd!", "Root", $"root{i}@example.org"));
                return true;
            }
            catch (VigilApiException)
            {
                return false;
            }
        });

        var results = await Task.WhenAll(attempts);

        Assert.Equal(1, results.Count(created => created));
    }
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Capturing(lines);

    public void Dispose()
    {
    }

    private sealed class Capturing(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));
    }
}
