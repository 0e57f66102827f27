using System.Diagnostics;

namespace Vigil.LoadTest;

/// <summary>
/// Splits the machine: servers (and the databases they use) on the first half of the CPUs, the load generator on the
/// rest, so a figure never includes the load generator stealing the server's core. On two cores: server on CPU 0,
/// load on CPU 1. The load program re-runs itself under taskset once.
/// </summary>
internal static class Pinning
{
    private const string Marker = "VIGIL_LOAD_PINNED";

    /// <summary>The taskset CPU list for servers, or null when not pinning.</summary>
    public static string? ServerCpus { get; private set; }

    public static string? LoadCpus { get; private set; }

    /// <summary>Returns an exit code when this process re-ran itself pinned and is done, null to go on here.</summary>
    public static int? Apply(bool pin, string[] args)
    {
        var cores = Environment.GetEnvironmentVariable(Marker) is { } total ? int.Parse(total, System.Globalization.CultureInfo.InvariantCulture) : Environment.ProcessorCount;
        if (!pin || cores < 2 || !File.Exists("/usr/bin/taskset"))
        {
            return null;
        }

        var serverCores = cores / 2;
        ServerCpus = serverCores == 1 ? "0" : $"0-{serverCores - 1}";
        LoadCpus = serverCores == cores - 1 ? $"{serverCores}" : $"{serverCores}-{cores - 1}";
        if (Environment.GetEnvironmentVariable(Marker) is not null)
        {
            return null;
        }

        var start = new ProcessStartInfo("/usr/bin/taskset") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", LoadCpus, "dotnet", Environment.GetCommandLineArgs()[0] }.Concat(args))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[Marker] = cores.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>
    /// Starts a server of this folder (Vigil.Server.dll, Vigil.Baselines.dll) on the server CPUs, with the server GC,
    /// and waits until it is ready.
    /// </summary>
    public static Task<Vigil.Testing.ServerProcess> StartServerAsync(
        string dll, IEnumerable<string> arguments, Uri address, IDictionary<string, string>? environment = null)
    {
        var settings = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["DOTNET_gcServer"] = "1" };
        return Vigil.Testing.ServerProcess.StartProgramAsync(Path.Combine(AppContext.BaseDirectory, dll), arguments, address, settings, ServerCpus);
    }
}
