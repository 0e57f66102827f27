using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 2. Round trip: every connected client sends on a fixed schedule (open loop, spread evenly) to its pair; latency
/// is from the scheduled send time to the peer's receipt. Stepped offered loads; the highest with p99 under 100 ms.
/// </summary>
internal sealed class RoundTripScenario(Profile profile) : Scenario
{
    public override string Name => "roundtrip";

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var clients = profile.RoundTripClients;
        var prepared = await target.PrepareAsync(Topology.Pairs(clients), cancellationToken);
        var due = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        Latency? latency = null;
        var connections = await ConnectAsync(prepared, [.. Enumerable.Range(0, clients)], (member, connection) =>
            connection.Received = (_, id) =>
            {
                if (SenderOf(id) != member && due.TryRemove(id, out var scheduled))
                {
                    Volatile.Read(ref latency)?.RecordSince(scheduled);
                }
            }, cancellationToken: cancellationToken);

        var best = 0;
        // Step -1 warms up (JIT, pools, caches) at the first rate and is not reported.
        for (var step = -1; step < profile.RoundTripRates.Length; step++)
        {
            var warmUp = step < 0;
            var rate = profile.RoundTripRates[Math.Max(0, step)];
            var measured = new Latency();
            Volatile.Write(ref latency, measured);
            due.Clear();
            long errors = 0, sent = 0;
            var usage = new ServerUsage(target);
            var interval = TimeSpan.FromSeconds(clients / (double)rate);
            var origin = Stopwatch.GetTimestamp();
            var end = TimeSpan.FromSeconds(warmUp ? profile.RoundTripWarmUpSeconds : profile.RoundTripSeconds);
            var senders = Enumerable.Range(0, clients).Select(async i =>
            {
                var pending = new List<Task>();
                var group = prepared.GroupKeys[i / 2];
                for (var n = 0; ; n++)
                {
                    var at = (interval * (i / (double)clients)) + (interval * n);
                    if (at >= end)
                    {
                        break;
                    }

                    var wait = at - Stopwatch.GetElapsedTime(origin);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                    }

                    var id = $"{i}:s{step + 1}n{n}";
                    due[id] = origin + (long)(at.TotalSeconds * Stopwatch.Frequency);
                    Interlocked.Increment(ref sent);
                    pending.Add(connections[i].SendAsync(group, id, CancellationToken.None).ContinueWith(
                        t => Interlocked.Add(ref errors, t.IsFaulted ? 1 : 0), TaskScheduler.Default));
                }

                await Task.WhenAll(pending);
            }).ToList();
            await Task.WhenAll(senders);
            var drain = Stopwatch.StartNew();
            while (!due.IsEmpty && drain.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(50, cancellationToken);
            }

            var cpu = usage.MicrosecondsPer(sent);
            var lost = due.Count;
            if (warmUp)
            {
                continue;
            }

            var row = $"2. round trip @ {rate:N0} msg/s, {clients:N0} clients: p50 / p99 / p99.9 ms";
            results.Add(row, target.Name, measured.Summary() + string.Create(CultureInfo.InvariantCulture, $" ({cpu:N0} µs CPU/msg)") + (lost > 0 ? $", {lost} undelivered" : ""));
            if (lost > 0 || errors > 0)
            {
                results.Fail(target.Name, $"round trip at {rate}/s: {lost} not delivered within 10 s, {errors} sends failed");
            }

            if (measured.Percentile(99) < 100 && lost == 0)
            {
                best = rate;
            }
        }

        await CloseAsync(connections);
        results.Add("2. round trip: highest offered msg/s with p99 < 100 ms", target.Name, best == 0 ? "none" : best.ToString("N0", CultureInfo.InvariantCulture));
    }
}
