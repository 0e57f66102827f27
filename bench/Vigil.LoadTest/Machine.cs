namespace Vigil.LoadTest;

internal static class Machine
{
    /// <summary>"2 × AMD EPYC …, 24 GiB" from /proc, so a table says where it was measured.</summary>
    public static string Describe()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        var memory = File.Exists("/proc/meminfo")
            ? File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]
            : null;
        var cores = Environment.GetEnvironmentVariable("VIGIL_LOAD_PINNED") ?? Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var gib = memory is null ? "" : $", {long.Parse(memory, System.Globalization.CultureInfo.InvariantCulture) / 1024 / 1024} GiB";
        return $"{cores} × {model ?? "unknown CPU"}{gib}, .NET {Environment.Version}";
    }

    /// <summary>
    /// Connections the kernel dropped because a listen queue was full (TcpExt ListenOverflows in /proc/net/netstat,
    /// counted since boot for the whole machine); 0 where there is no such file.
    /// </summary>
    public static long ListenOverflows()
    {
        const string netstat = "/proc/net/netstat";
        if (!File.Exists(netstat))
        {
            return 0;
        }

        // The file pairs a header line and a value line per group: "TcpExt: SyncookiesSent …" then "TcpExt: 0 …".
        var lines = File.ReadAllLines(netstat).Where(l => l.StartsWith("TcpExt:", StringComparison.Ordinal)).ToArray();
        if (lines.Length < 2)
        {
            return 0;
        }

        var names = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var values = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(names, "ListenOverflows");
        return index > 0 && index < values.Length ? long.Parse(values[index], System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
