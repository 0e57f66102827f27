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
}
