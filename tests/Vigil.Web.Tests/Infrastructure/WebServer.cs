using Vigil.Client;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Web.Tests.Infrastructure;

/// <summary>
/// The real server as a child process on a free loopback port with its own data folder, serving the web client, with
/// an administrator made through setup. Restartable on the same port and data, as an operator would.
/// </summary>
public sealed class WebServer : IAsyncDisposable
{
    public const string Password = "Browser-Tests-2026!";
    private readonly string _data = Directory.CreateTempSubdirectory("vigil-web-").FullName;
    private readonly int _port = ServerProcess.FreePort();
    private readonly Dictionary<string, string> _environment;
    private ServerProcess? _process;

    private WebServer(IDictionary<string, string>? environment)
    {
        _environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>())
        {
            ["Vigil__Patients__SchedulerEnabled"] = "false",
        };
    }

    public Uri Address => new($"http://127.0.0.1:{_port}/");

    public VigilClient Admin { get; private set; } = default!;

    public static async Task<WebServer> StartAsync(IDictionary<string, string>? environment = null, bool setUp = true)
    {
        var server = new WebServer(environment);
        await server.StartProcessAsync();
        if (setUp)
        {
            server.Admin = new VigilClient(server.Address);
            await server.Admin.SetupAsync(new CreateUserRequest("admin", Password, "Ada Admin", "admin@example.org"));
            await server.Admin.SignInAsync("admin", Password);
        }

        return server;
    }

    /// <summary>Where the server's own build output is (its static web assets manifest points at the client's files).</summary>
    public static string ServerDirectory
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(RepositoryPaths.Root, "src", "Vigil.Server", "bin", configuration, "net10.0");
        }
    }

    public async Task<UserDto> CreateUserAsync(string username, string displayName, params string[] roles) =>
        await Admin.CreateUserAsync(new CreateUserRequest(username, Password, displayName, $"{username}@example.org", roles));

    /// <summary>A separate SDK session for one user, for arranging data around what the browser does.</summary>
    public async Task<VigilClient> ClientForAsync(string username)
    {
        var client = new VigilClient(Address);
        await client.SignInAsync(username, Password);
        return client;
    }

    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public Task StartProcessAsync() => StartCoreAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Admin?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by the stopped process; the temp folder is cleaned by the OS.
        }
    }

    private async Task StartCoreAsync() =>
        _process = await ServerProcess.StartAsync(_data, _port, _environment, ServerDirectory);
}
