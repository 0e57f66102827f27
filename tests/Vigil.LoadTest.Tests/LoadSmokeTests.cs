using System.Diagnostics;
using Xunit.Abstractions;

namespace Vigil.LoadTest.Tests;

/// <summary>
/// CI's smoke run of the load benchmark: every server (B0, B1, Vigil on SQLite, Vigil on two nodes with PostgreSQL
/// and Redis) through every scenario at a small size. The load program itself fails the run when a message is lost or
/// duplicated, a send fails or a scenario cannot finish; this test checks that and that the table is complete.
/// Needs the test command's PostgreSQL, Redis, prosody and ejabberd (fails without them, never skips).
/// </summary>
public sealed class LoadSmokeTests(ITestOutputHelper output)
{
    private static readonly string[] Servers = ["B0 Kestrel WebSocket", "B1 bare SignalR", "Vigil SQLite", "Vigil PostgreSQL + Redis, 2 nodes"];

    [Fact]
    public async Task Smoke_run_drives_every_server_through_every_scenario_and_loses_nothing()
    {
        var lines = await RunAsync("--smoke", "--targets", "b0", "b1", "sqlite", "postgres2");

        var header = lines.Single(l => l.StartsWith("| measure |", StringComparison.Ordinal));
        Assert.All(Servers, server => Assert.Contains(server, header, StringComparison.Ordinal));
        foreach (var scenario in new[] { "1. ingest", "1b. writer alone", "1c. writer at a fixed rate", "2. round trip", "3. fan-out", "4. connections", "5. history", "6. reconnect storm" })
        {
            Assert.Contains(lines, l => l.StartsWith("| " + scenario, StringComparison.Ordinal));
        }

        // Both Vigil deployments went through the crash: "acked / deliveries / lost / duplicated" ends in "/ 0 / 0".
        var storm = lines.Single(l => l.StartsWith("| 6. reconnect storm: acked", StringComparison.Ordinal));
        var cells = storm.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(2, cells.Count(c => c.EndsWith("/ 0 / 0", StringComparison.Ordinal) && !c.StartsWith("0 /", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The issue's stretch comparison: the one-to-one round trip against prosody and ejabberd from Debian's packages
    /// (the test command installs them), each with its message archive on. The program fails the run if a message is
    /// not delivered or a stream-management ack does not come; this checks that both servers have a measured row.
    /// </summary>
    [Fact]
    public async Task Smoke_round_trip_against_prosody_and_ejabberd_delivers_every_message()
    {
        var lines = await RunAsync("--smoke", "--targets", "prosody", "ejabberd", "--scenarios", "roundtrip");

        var header = lines.Single(l => l.StartsWith("| measure |", StringComparison.Ordinal)).Split('|', StringSplitOptions.TrimEntries)[2..^1];
        Assert.Collection(header, h => Assert.StartsWith("prosody 0.", h, StringComparison.Ordinal), h => Assert.StartsWith("ejabberd 2", h, StringComparison.Ordinal));
        var row = lines.Single(l => l.StartsWith("| 2. round trip @", StringComparison.Ordinal));
        var cells = row.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)[1..];
        Assert.Equal(2, cells.Length);
        Assert.All(cells, c => Assert.Matches(@"^[\d.,]+ / [\d.,]+ / [\d.,]+ \([\d,]+ µs CPU/msg\)$", c));
    }

    /// <summary>Runs the load program and returns its table's lines once it has exited 0.</summary>
    private async Task<string[]> RunAsync(params string[] arguments)
    {
        var table = Path.Combine(Path.GetTempPath(), $"vigil-load-smoke-{Guid.NewGuid():N}.md");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Vigil.LoadTest.dll") }.Concat(arguments).Concat(["--out", table]))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        var log = await stderr;
        output.WriteLine(log);

        Assert.True(process.ExitCode == 0, $"the load program failed (exit {process.ExitCode}):\n{string.Join('\n', log.Split('\n').Where(l => l.Contains("FAILED", StringComparison.Ordinal) || l.StartsWith("error", StringComparison.Ordinal)))}");
        var lines = await File.ReadAllLinesAsync(table);
        File.Delete(table);
        return lines;
    }
}
