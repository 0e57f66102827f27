using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting;

/// <summary>
/// Keeps the node alive when more clients arrive than it has file descriptors for (a reconnect storm after a
/// restart: every client, its retries and its catch-up requests at once). Without a limit the process runs out of
/// descriptors and the runtime aborts ("Out of memory."); with one, Kestrel closes the excess connections at accept
/// and the clients retry. The limit is the open-file limit minus a reserve (2,000, or a tenth when fewer) for the database, keys, attachments and
/// outbound connections, unless <c>Vigil:MaxConnections</c> sets it.
/// </summary>
public static class ConnectionLimits
{
    internal const int Reserve = 2000;

    public static IWebHostBuilder UseVigilConnectionLimits(this IWebHostBuilder builder, IConfiguration configuration)
    {
        var limit = configuration.GetValue<long?>("Vigil:MaxConnections") ?? FromOpenFileLimit(OpenFileLimit());
        return limit is { } connections
            ? builder.ConfigureKestrel(options => options.Limits.MaxConcurrentConnections = connections)
            : builder;
    }

    /// <summary>The limit for a soft open-file limit; none when that is unlimited or unknown.</summary>
    internal static long? FromOpenFileLimit(long? openFiles) => openFiles is { } files ? files - Math.Min(Reserve, files / 10) : null;

    /// <summary>The soft "Max open files" of this process from /proc (Linux); null elsewhere or when unlimited.</summary>
    internal static long? OpenFileLimit(string limitsFile = "/proc/self/limits")
    {
        if (!File.Exists(limitsFile))
        {
            return null;
        }

        var line = File.ReadLines(limitsFile).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return long.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
