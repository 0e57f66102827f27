using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 1. Durable ingest: pairs of clients send as fast as acknowledgements come back (closed loop). For Vigil an ack
/// means committed with its ledger entry and encrypted body; for the baselines it means relayed.
/// </summary>
internal sealed class IngestScenario(Profile profile) : Scenario
{
    public const string Rate = "1. ingest: acks/s (closed loop)";

    public override string Name => "ingest";

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var clients = profile.IngestClients;
        var prepared = await target.PrepareAsync(Topology.Pairs(clients), cancellationToken);
        var connections = await ConnectAsync(prepared, [.. Enumerable.Range(0, clients)], cancellationToken: cancellationToken);
        long acked = 0, errors = 0, sent = 0;
        var measuring = false;
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, clients).Select(async i =>
        {
            var group = prepared.GroupKeys[i / 2];
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                try
                {
                    await connections[i].SendAsync(group, $"{i}:i{n}", CancellationToken.None);
                    Interlocked.Increment(ref sent);
                    if (Volatile.Read(ref measuring))
                    {
                        Interlocked.Increment(ref acked);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }).ToList();

        // The closed loop until the rate holds steady (see SteadyState); the smoke run warms for one short window.
        var warmUpWindow = TimeSpan.FromSeconds(Math.Max(2, profile.IngestSeconds));
        var warmUp = await SteadyState.WarmUpAsync(
            async () =>
            {
                var before = Interlocked.Read(ref sent);
                await Task.Delay(warmUpWindow, cancellationToken);
                return ((Interlocked.Read(ref sent) - before) / warmUpWindow.TotalSeconds, warmUpWindow);
            },
            tolerance: 0.03,
            maximum: TimeSpan.FromSeconds(profile.IngestWarmUpSeconds),
            minimum: TimeSpan.FromSeconds(profile.IngestWarmUpMinimumSeconds));
        Console.Error.WriteLine($"  ingest: steady after {warmUp.TotalSeconds:N0} s; measuring {profile.IngestSeconds} s");
        var usage = new ServerUsage(target);
        var commitsBefore = await target.DatabaseCommitsAsync();
        var window = Stopwatch.StartNew();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(profile.IngestSeconds), cancellationToken);
        Volatile.Write(ref measuring, false);
        var count = Interlocked.Read(ref acked);
        var elapsed = window.Elapsed;
        var cpu = usage.MicrosecondsPer(count);
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        var commits = await target.DatabaseCommitsAsync() - commitsBefore;
        await CloseAsync(connections);

        var rate = count / elapsed.TotalSeconds;
        results.Add($"{Rate}, {clients} clients", target.Name, rate.ToString("N0", CultureInfo.InvariantCulture), rate);
        results.Add("1. ingest: server CPU µs per message", target.Name, cpu.ToString("N0", CultureInfo.InvariantCulture));
        results.Add("1. ingest: warm-up until the rate held steady, s", target.Name, warmUp.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture));
        if (commits is { } transactions)
        {
            // Counted from before the window to after the senders stopped, so slightly more messages than "count".
            results.Add("1. ingest: database transactions per acked message", target.Name, (transactions / (double)count).ToString("N2", CultureInfo.InvariantCulture));
        }

        if (errors > 0)
        {
            results.Fail(target.Name, $"ingest: {errors} sends failed");
        }
    }
}
