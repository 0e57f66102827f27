using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Vigil.LoadTest.Targets;

/// <summary>
/// A server under test as a child process, pinned with taskset to the server's CPUs so the load generator never
/// competes with it for a core. Reports the CPU time and resident memory the load does not influence.
/// </summary>
internal sealed class PinnedProcess : IAsyncDisposable
{
    private readonly Process _process;

    private PinnedProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<PinnedProcess> StartAsync(
        string dll, IEnumerable<string> arguments, Uri address, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(Pinning.ServerCpus is null ? "dotnet" : "taskset")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Pinning.ServerCpus is { } cpus)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add("dotnet");
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["DOTNET_gcServer"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{dll} did not start");
        var errors = new System.Text.StringBuilder();
        // The last lines either stream wrote, for the reason when the server dies (the runtime writes some to stdout).
        DataReceivedEventHandler keep = (_, e) =>
        {
            lock (errors)
            {
                if (e.Data is not null)
                {
                    errors.AppendLine(e.Data);
                    if (errors.Length > 4000)
                    {
                        errors.Remove(0, errors.Length - 4000);
                    }
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var child = new PinnedProcess(process, address);
        await child.WaitUntilReadyAsync(errors);
        return child;
    }

    /// <summary>CPU time used so far (user + system, all threads).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <summary>Resident memory from /proc, in bytes.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>SIGKILL, as a crash: what survives is what was committed.</summary>
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

    private async Task WaitUntilReadyAsync(System.Text.StringBuilder errors)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode}: {errors}");
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
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The server did not become ready within 90 s.");
    }
}
