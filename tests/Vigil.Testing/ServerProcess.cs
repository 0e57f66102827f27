using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Testing;

/// <summary>
/// The real server (or another ASP.NET Core program, such as the load benchmark's baselines) as a separate OS process,
/// so a test can kill it as a crash would, optionally pinned with taskset to some CPUs so a load generator never
/// competes with it for a core.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int ProcessId => _process.Id;

    /// <summary>Resident memory of the server process, from /proc (Linux), in bytes; null where unavailable.</summary>
    public long? ResidentBytes() => ResidentBytesOf(_process.Id);

    /// <summary>Resident memory of any process, from /proc/PID/status (Linux), in bytes; null where unavailable or gone.</summary>
    public static long? ResidentBytesOf(int processId)
    {
        try
        {
            var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>CPU time (user and system, all threads) the server has used so far; zero once it has exited.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <param name="serverDirectory">
    /// Where Vigil.Server.dll is; the test's own output by default. The web client's files are found through the
    /// static web assets manifest next to the server's own build output, so browser tests pass that folder.
    /// </param>
    public static Task<ServerProcess> StartAsync(
        string dataDirectory, int? port = null, IDictionary<string, string>? environment = null, string? serverDirectory = null)
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort()}");
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>());
        if (TestDatabase.IsPostgres && !settings.ContainsKey("Vigil__ConnectionString"))
        {
            settings["Vigil__Database"] = "postgres";
            settings["Vigil__ConnectionString"] = TestDatabase.PostgresDatabaseFor(dataDirectory);
        }

        return StartProgramAsync(Path.Combine(serverDirectory ?? AppContext.BaseDirectory, "Vigil.Server.dll"),
            ["--urls", address.ToString(), "--data-dir", dataDirectory], address, settings);
    }

    /// <summary>Starts an ASP.NET Core program and waits until <c>/health/ready</c> answers 200 at <paramref name="address"/>.</summary>
    /// <param name="cpus">A taskset CPU list ("0", "0-1") to pin the process to; not pinned when null.</param>
    public static async Task<ServerProcess> StartProgramAsync(
        string dll, IEnumerable<string> arguments, Uri address, IDictionary<string, string>? environment = null, string? cpus = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(cpus is null ? "dotnet" : "taskset")
        {
            WorkingDirectory = Path.GetDirectoryName(dll) ?? AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{dll} did not start");
        // The runtime writes some of the reason for a crash to stdout.
        var output = OutputTail.Of(process);
        var server = new ServerProcess(process, address);
        await server.WaitUntilReadyAsync(output);
        return server;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing; what survives is what was durably committed.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task WaitUntilReadyAsync(OutputTail output)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}: {output}");
            }

            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server did not become ready within 90 s.");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
