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

    /// <summary>The row of one offered load; its cells carry the server's CPU per message as their number.</summary>
    public static string Row(int rate, int clients) => string.Create(CultureInfo.InvariantCulture, $"2. round trip @ {rate:N0} msg/s, {clients:N0} clients: p50 / p99 / p99.9 ms");

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

        // The first rate until the server's CPU per message holds steady (see SteadyState): a 3-s warm-up measured the
        // JIT's tiering, which took a fifth of the server's core in the window after it.
        var warmUpWindow = TimeSpan.FromSeconds(Math.Min(10, profile.RoundTripWarmUpSeconds));
        var windows = 0;
        var warmUp = await SteadyState.WarmUpAsync(
            async () => ((await StepAsync(profile.RoundTripRates[0], warmUpWindow, $"w{windows++}")).Cpu, warmUpWindow),
            tolerance: 0.05,
            maximum: TimeSpan.FromSeconds(profile.RoundTripWarmUpSeconds),
            minimum: TimeSpan.FromSeconds(profile.RoundTripWarmUpMinimumSeconds));
        Console.Error.WriteLine($"  round trip: steady after {warmUp.TotalSeconds:N0} s");
        results.Add("2. round trip: warm-up until the server's CPU per message held steady, s", target.Name, warmUp.TotalSeconds.ToString("N0", CultureInfo.InvariantCulture));

        var best = 0;
        int? saturatedAt = null;
        foreach (var rate in profile.RoundTripRates)
        {
            var row = Row(rate, clients);
            if (saturatedAt is { } lower)
            {
                // A server that fell 10 times behind the criterion, or could not deliver, at a lower load would only
                // queue more: each higher step would take minutes of acks and measure nothing new.
                results.Add(row, target.Name, string.Create(CultureInfo.InvariantCulture, $"not offered (saturated at {lower:N0})"));
                continue;
            }

            var (measured, cpu, lost, errors) = await StepAsync(rate, TimeSpan.FromSeconds(profile.RoundTripSeconds), $"r{rate}");
            results.Add(row, target.Name, measured.Summary() + string.Create(CultureInfo.InvariantCulture, $" ({cpu:N0} µs CPU/msg)") + (lost > 0 ? $", {lost} undelivered" : ""), cpu);
            if (lost > 0 || errors > 0)
            {
                results.Fail(target.Name, $"round trip at {rate}/s: {lost} not delivered within 10 s, {errors} sends failed");
            }

            if (lost > 0 || errors > 0 || measured.Percentile(99) >= 1000)
            {
                saturatedAt = rate;
            }

            if (measured.Percentile(99) < 100 && lost == 0)
            {
                best = rate;
            }
        }

        await CloseAsync(connections);
        results.Add("2. round trip: highest offered msg/s with p99 < 100 ms", target.Name, best == 0 ? "none" : best.ToString("N0", CultureInfo.InvariantCulture));

        // One window at a fixed offered rate: latency from each scheduled send, server CPU per message sent, messages
        // not delivered within 10 s of the last send, sends refused. The tag makes message ids unique per window: they
        // are idempotency keys, and a repeated one would be answered from the store without a push.
        async Task<(Latency Measured, double Cpu, int Lost, long Errors)> StepAsync(int rate, TimeSpan end, string tag)
        {
            var measured = new Latency();
            Volatile.Write(ref latency, measured);
            due.Clear();
            long errors = 0, sent = 0;
            var usage = new ServerUsage(target);
            var interval = TimeSpan.FromSeconds(clients / (double)rate);
            var origin = Stopwatch.GetTimestamp();
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

                    var id = $"{i}:{tag}n{n}";
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

            return (measured, usage.MicrosecondsPer(sent), due.Count, errors);
        }
    }
}
