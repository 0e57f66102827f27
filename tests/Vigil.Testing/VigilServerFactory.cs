using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.Testing;

/// <summary>
/// The real server, in process, on a real SQLite file in a fresh temporary data folder (or a fresh PostgreSQL
/// database when the suite runs on PostgreSQL: see <see cref="TestDatabase"/>). Time is a
/// <see cref="FakeTimeProvider"/> when the test asks for one. Requests with an <c>X-Test-Remote-Ip</c> header appear
/// to come from that address, so tests can play a remote client.
/// </summary>
public sealed class VigilServerFactory : WebApplicationFactory<Program>
{
    public const string AdminPassword = "Adm1n-Passw0rd!";
    public const string UserPassword = "Us3r-Passw0rd!";
    private readonly Dictionary<string, string?> _settings;
    private int _userCounter;

    public VigilServerFactory(FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        Time = time;
        DataDirectory = Directory.CreateTempSubdirectory("vigil-test-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Vigil:DataDirectory"] = DataDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (time is not null)
        {
            // On a fake clock the background loops only waste passes while tests jump hours ahead; tests that
            // exercise them turn them back on.
            _settings["Vigil:Patients:SchedulerEnabled"] = "false";
            _settings["Vigil:Safety:MonitorEnabled"] = "false";
            _settings["Vigil:Webhooks:DispatcherEnabled"] = "false";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }

        _settings["Vigil:DataDirectory"] = DataDirectory;
        if (TestDatabase.IsPostgres && !_settings.ContainsKey("Vigil:ConnectionString"))
        {
            PostgresConnectionString = TestDatabase.CreatePostgresDatabase();
            _settings["Vigil:Database"] = "postgres";
            _settings["Vigil:ConnectionString"] = PostgresConnectionString;
        }
    }

    /// <summary>The server's own PostgreSQL database when the suite runs on PostgreSQL; null on SQLite.</summary>
    public string? PostgresConnectionString { get; }

    public string DataDirectory { get; }

    public FakeTimeProvider? Time { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.UseEnvironment("Testing");
        builder.ConfigureServices(services =>
        {
            if (Time is not null)
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton<TimeProvider>(Time);
            }

            services.AddSingleton<IStartupFilter, RemoteAddressStartupFilter>();
        });
    }

    public VigilClient CreateVigilClient() => new(Server.BaseAddress, Server.CreateHandler(), Time);

    public ChatConnectionOptions ChatOptions(IReadOnlyDictionary<Guid, long>? resumeFrom = null) => new()
    {
        // The in-memory test server speaks HTTP only: long polling is the transport that runs over it.
        Transports = HttpTransportType.LongPolling,
        HttpMessageHandlerFactory = () => Server.CreateHandler(),
        ResumeFrom = resumeFrom,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100)],
    };

    /// <summary>Creates the first Administrator (once) and returns a client signed in as them.</summary>
    public async Task<(VigilClient Client, UserDto User)> AdminAsync()
    {
        var client = CreateVigilClient();
        UserDto user;
        try
        {
            user = await client.SetupAsync(new CreateUserRequest("admin", AdminPassword, "Ada Admin", "admin@example.org"));
        }
        catch (VigilApiException e) when (e.Status == HttpStatusCode.Forbidden)
        {
            await client.SignInAsync("admin", AdminPassword);
            return (client, await client.GetMeAsync());
        }

        await client.SignInAsync("admin", AdminPassword);
        return (client, user);
    }

    /// <summary>A new user with the given roles, and a client signed in as them.</summary>
    public async Task<(VigilClient Client, UserDto User)> UserAsync(string? username = null, params string[] roles)
    {
        var (admin, _) = await AdminAsync();
        using (admin)
        {
            username ??= $"user{Interlocked.Increment(ref _userCounter)}";
            var user = await admin.CreateUserAsync(new CreateUserRequest(
                username, UserPassword, $"User {username}", $"{username}@example.org", roles.Length == 0 ? [VigilRoles.Clinician] : roles));
            var client = CreateVigilClient();
            await client.SignInAsync(username, UserPassword);
            return (client, user);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (PostgresConnectionString is not null)
        {
            TestDatabase.DropPostgresDatabase(PostgresConnectionString);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS.
        }
    }

    private sealed class RemoteAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                if (context.Request.Headers.TryGetValue("X-Test-Remote-Ip", out var ip) && IPAddress.TryParse(ip, out var address))
                {
                    context.Connection.RemoteIpAddress = address;
                }

                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
