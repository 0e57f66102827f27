using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Vigil.Server.Hosting;

/// <summary>
/// Keeps the node alive when more clients arrive than it has file descriptors for (a reconnect storm after a
/// restart: every client, its retries and its catch-up requests at once). Without a limit the process runs out of
/// descriptors and the runtime aborts ("Out of memory."); with one, Kestrel closes the excess connections at accept
/// and the clients retry. The limit is the open-file limit minus a reserve (2,000, or a tenth when fewer) for the database, keys, attachments and
/// outbound connections, unless <c>Vigil:MaxConnections</c> sets it.
/// The listen queue holds <see cref="DefaultListenBacklog"/> connections not yet accepted (<c>Vigil:ListenBacklog</c>;
/// Linux caps it at <c>net.core.somaxconn</c>) instead of Kestrel's 512: in a reconnect storm thousands of clients
/// connect within a second, and one the kernel drops at a full queue tries again only after TCP's retransmission
/// timeout, a second or more later (bench/results/storm-2026-11-28.md).
/// </summary>
public static class ConnectionLimits
{
    internal const int Reserve = 2000;

    internal const int DefaultListenBacklog = 4096;

    public static IWebHostBuilder UseVigilConnectionLimits(this IWebHostBuilder builder, IConfiguration configuration)
    {
        var backlog = configuration.GetValue<int?>("Vigil:ListenBacklog") ?? DefaultListenBacklog;
        if (backlog < 1)
        {
            throw new InvalidOperationException($"Vigil:ListenBacklog must be at least 1; it is {backlog}.");
        }

        builder.UseSockets(options => options.Backlog = backlog);
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
