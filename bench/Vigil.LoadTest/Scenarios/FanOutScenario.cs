using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 3. Fan-out: one member of a large channel sends on a schedule; for each message, the time from its scheduled send
/// until the last other member has it. Then many small groups, each with one sender, at the same time.
/// </summary>
internal sealed class FanOutScenario(Profile profile) : Scenario
{
    public override string Name => "fanout";

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var members = profile.FanOutMembers;
        var groups = new List<IReadOnlyList<int>> { Enumerable.Range(0, members).ToList() };
        var small = Math.Min(profile.SmallGroups, members / 10);
        groups.AddRange(Enumerable.Range(0, small).Select(g => (IReadOnlyList<int>)Enumerable.Range(g * 10, 10).ToList()));
        var prepared = await target.PrepareAsync(new Topology(members, groups), cancellationToken);
        var bigGroup = prepared.GroupKeys[0];
        var pending = new ConcurrentDictionary<string, (long Due, int Left)>(StringComparer.Ordinal);
        var last = new Latency();
        var connections = await ConnectAsync(prepared, [.. Enumerable.Range(0, members)], (member, connection) =>
            connection.Received = (_, id) =>
            {
                if (SenderOf(id) == member)
                {
                    return;
                }

                // Registered before it was sent; an id not (or no longer) pending is a duplicate and stays as one.
                var after = pending.AddOrUpdate(id, _ => (0, int.MaxValue), (_, entry) => (entry.Due, entry.Left - 1));
                if (after.Left == 0 && pending.TryRemove(id, out var done))
                {
                    last.RecordSince(done.Due);
                }
            }, cancellationToken: cancellationToken);

        // The channel's first message finds the server cold for it (its keys, a first send's statements and code
        // paths): on PostgreSQL alone it took three times the next one's latency and was every run's p99 of 50. It is
        // timed on its own row and the schedule starts after it, so the percentiles describe a channel in use.
        await SendScheduledAsync(connections, [(0, bigGroup, members - 1)], 1, TimeSpan.Zero, pending, "w", cancellationToken);
        results.Add($"3. fan-out to {members:N0} members: the channel's first message, last receipt ms", target.Name,
            pending.IsEmpty ? last.Percentile(50).ToString("0.0", CultureInfo.InvariantCulture) : "incomplete");
        var firstLeft = pending.Count;
        pending.Clear();
        last = new Latency();

        await SendScheduledAsync(connections, [(0, bigGroup, members - 1)], profile.FanOutMessages, TimeSpan.FromMilliseconds(200), pending, "b", cancellationToken);
        var big = last.Summary();
        var bigLeft = pending.Count + firstLeft;
        results.Add($"3. fan-out to {members:N0} members: last receipt p50 / p99 / p99.9 ms", target.Name, big + (bigLeft > 0 ? $", {bigLeft} incomplete" : ""));

        if (small > 0)
        {
            last = new Latency();
            pending.Clear();
            var senders = Enumerable.Range(0, small).Select(g => (g * 10, prepared.GroupKeys[g + 1], 9)).ToList();
            await SendScheduledAsync(connections, senders, 10, profile.SmallGroupInterval, pending, "s", cancellationToken);
            results.Add($"3. fan-out, {small} groups of 10 at once: last receipt p50 / p99 / p99.9 ms", target.Name, last.Summary() + (pending.IsEmpty ? "" : $", {pending.Count} incomplete"));
        }

        if (bigLeft > 0 || !pending.IsEmpty)
        {
            results.Fail(target.Name, $"fan-out: {bigLeft + pending.Count} messages did not reach every member within 10 s");
        }

        await CloseAsync(connections);
    }

    private static async Task SendScheduledAsync(
        IReadOnlyList<Connections.LoadConnection> connections, IReadOnlyList<(int Sender, string Group, int Receivers)> senders, int messages,
        TimeSpan every, ConcurrentDictionary<string, (long Due, int Left)> pending, string tag, CancellationToken cancellationToken)
    {
        var origin = Stopwatch.GetTimestamp();
        var sends = new List<Task>();
        for (var n = 0; n < messages; n++)
        {
            var at = every * n;
            var wait = at - Stopwatch.GetElapsedTime(origin);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken);
            }

            foreach (var (sender, group, receivers) in senders)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"{sender}:{tag}{n}");
                var due = origin + (long)(at.TotalSeconds * Stopwatch.Frequency);
                pending[id] = (due, receivers);
                sends.Add(connections[sender].SendAsync(group, id, CancellationToken.None));
            }
        }

        await Task.WhenAll(sends);
        var drain = Stopwatch.StartNew();
        while (!pending.IsEmpty && drain.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cancellationToken);
        }
    }
}
