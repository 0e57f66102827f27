using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Connections;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 6. Reconnect storm: every node is killed (SIGKILL) and restarted under a steady send load; every client
/// reconnects at once. Afterwards each connection must hold every acknowledged message of its conversation exactly
/// once: nothing lost, nothing duplicated.
/// </summary>
internal sealed class ReconnectStormScenario(Profile profile) : Scenario
{
    public override string Name => "storm";

    public override bool Supports(Target target) => target.Durable && base.Supports(target);

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var users = profile.StormUsers;
        var prepared = await target.PrepareAsync(Topology.Pairs(users), cancellationToken);
        var members = Enumerable.Range(0, profile.StormConnections).Select(i => i % users).ToList();
        var receipts = Enumerable.Range(0, members.Count).Select(_ => new ConcurrentDictionary<string, int>(StringComparer.Ordinal)).ToArray();
        var reconnected = 0;
        var isBack = new int[members.Count]; // a connection that drops twice in the storm counts once
        var storm = new Stopwatch();
        var backAfter = new ConcurrentBag<TimeSpan>();
        var connections = await ConnectAsync(prepared, members, (i, connection) =>
        {
            connection.Received = (_, id) => receipts[i].AddOrUpdate(id, 1, (_, n) => n + 1);
            connection.Reconnected = () =>
            {
                if (Interlocked.Exchange(ref isBack[i], 1) == 0)
                {
                    backAfter.Add(storm.Elapsed);
                    Interlocked.Increment(ref reconnected);
                }
            };
        }, parallelism: 64, cancellationToken: cancellationToken);

        // The first connection of each user sends a message every SendInterval throughout: a steady load well under
        // every target's capacity (1,000 users: 200 msg/s), so what is measured is the storm, not a backlog.
        var acked = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        long failed = 0, pending = 0;
        using var stop = new CancellationTokenSource();
        // Ends early, without throwing, once the scenario stops; the send loop sees the stop itself.
        Task PauseAsync(TimeSpan delay) => Task.Delay(delay, stop.Token).ContinueWith(static _ => { }, TaskScheduler.Default);
        var senders = Enumerable.Range(0, users).Select(async u =>
        {
            var sends = new List<Task>();
            // Spread over the interval: started together, every user would send at the same instant, a burst every 5 s.
            await PauseAsync(SendInterval * u / users);
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var id = $"{u}:storm{n}";
                Interlocked.Increment(ref pending);
                sends.Add(connections[u].SendAsync(prepared.GroupKeys[u / 2], id, CancellationToken.None).ContinueWith(
                    t =>
                    {
                        Interlocked.Decrement(ref pending);
                        if (t.IsCompletedSuccessfully)
                        {
                            acked[id] = u / 2;
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    },
                    TaskScheduler.Default));
                await PauseAsync(SendInterval);
            }

            await Task.WhenAll(sends);
        }).ToList();

        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        Phase($"{members.Count:N0} connected; killing and restarting every node");
        var overflowsBefore = Machine.ListenOverflows();
        await target.CrashAndRestartAsync();
        storm.Start();
        Phase("nodes restarted; waiting for the clients");
        while (Volatile.Read(ref reconnected) < members.Count && storm.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(100, cancellationToken);
        }

        var allBack = storm.Elapsed;
        var backCount = Volatile.Read(ref reconnected);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        Phase($"{backCount:N0}/{members.Count:N0} reconnected after {allBack.TotalSeconds:N1} s; waiting for the last sends");
        // Connections dropped at a full listen queue (Linux's TcpExt ListenOverflows, machine-wide) are retried by the
        // client's TCP a second or more later.
        Phase($"listen queue overflows while reconnecting: {Machine.ListenOverflows() - overflowsBefore:N0}");
        // Whether the last ones were slow to be served or retried after failed attempts (the client waits 0, 0.5, 1,
        // 2, then 5 s between attempts) shows in how the reconnections spread over time.
        var times = backAfter.Order().ToArray();
        if (times.Length > 0)
        {
            Phase("back after, s (10th, 50th, 90th, 99th percentile, last): " + string.Join(" / ",
                new[] { 0.1, 0.5, 0.9, 0.99, 1.0 }.Select(q => times[Math.Min(times.Length - 1, (int)(q * times.Length))].TotalSeconds.ToString("N1", CultureInfo.InvariantCulture))));
        }
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(senders).WaitAsync(DrainTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            results.Fail(target.Name, $"reconnect storm: {Interlocked.Read(ref pending):N0} sends still unanswered {DrainTimeout.TotalSeconds:N0} s after the last one");
            await CloseAsync(connections);
            return;
        }

        Phase($"{acked.Count:N0} acked, {Interlocked.Read(ref failed):N0} refused; checking receipts");

        // Every connection of the pair's two users must end up with each acknowledged message exactly once.
        var expected = members.Select(m => acked.Where(a => a.Value == m / 2).Select(a => a.Key).ToHashSet(StringComparer.Ordinal)).ToArray();
        var settle = Stopwatch.StartNew();
        long lost, duplicated;
        do
        {
            await Task.Delay(250, cancellationToken);
            lost = Enumerable.Range(0, members.Count).Sum(i => (long)expected[i].Count(id => !receipts[i].ContainsKey(id)));
            duplicated = receipts.Sum(r => (long)r.Values.Count(n => n > 1));
        }
        while (lost > 0 && settle.Elapsed < TimeSpan.FromSeconds(30));

        Phase($"{lost} lost, {duplicated} duplicated; closing");
        if (lost > 0)
        {
            // Whether whole messages are missing everywhere (never stored, or never pushed nor fetched) or only on some
            // connections (a connection that did not catch up) tells where to look.
            var missing = Enumerable.Range(0, members.Count).SelectMany(i => expected[i].Where(id => !receipts[i].ContainsKey(id)).Select(id => (i, id))).ToList();
            Phase($"lost: {missing.Select(m => m.id).Distinct().Count()} messages on {missing.Select(m => m.i).Distinct().Count()} connections, " +
                $"e.g. {string.Join(", ", missing.Select(m => m.id).Distinct().Take(5))}");
        }

        await CloseAsync(connections);
        var deliveries = expected.Sum(e => (long)e.Count);
        results.Add($"6. reconnect storm, {members.Count:N0} connections: all reconnected after restart, s", target.Name,
            backCount == members.Count ? allBack.TotalSeconds.ToString("N1", CultureInfo.InvariantCulture) : $"{backCount}/{members.Count} in 60 s");
        // Sends refused while every node was down were never acknowledged, so nothing is owed for them.
        results.Add("6. reconnect storm: acked messages / refused while down / deliveries checked / lost / duplicated", target.Name,
            $"{acked.Count:N0} / {Interlocked.Read(ref failed):N0} / {deliveries:N0} / {lost} / {duplicated}");
        if (backCount < members.Count || lost > 0 || duplicated > 0)
        {
            results.Fail(target.Name, $"reconnect storm: {backCount}/{members.Count} reconnected, {lost} lost, {duplicated} duplicated");
        }
    }

    private static readonly TimeSpan SendInterval = TimeSpan.FromSeconds(5);

    /// <summary>A send is answered (acked or refused) well within this once the nodes are back, or the run fails.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(2);

    private static void Phase(string text) => Console.Error.WriteLine($"  storm: {text}");
}
