using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Connections;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

/// <summary>
/// 4. Connections: open idle connections in steps (authenticated on Vigil: the profile's users, each with many connections)
/// and read the server's resident memory after each step settles; the connect rate is per step.
/// </summary>
internal sealed class ConnectionsScenario(Profile profile) : Scenario
{
    public const string Memory = "4. connections: server memory per idle connection, KiB";

    // What the resident size counts before the first connection differs between servers (a runtime's heap may
    // already hold room for thousands of connections): the growth between the first and the last step does not.
    public const string MemoryAdded = "4. connections: server memory per idle connection added";
    public override string Name => "connections";

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var users = profile.ConnectionUsers;
        var prepared = await target.PrepareAsync(new Topology(users, []), cancellationToken);
        var open = new List<LoadConnection>();
        var before = target.ResidentBytes;
        (int Count, long Bytes)? first = null;
        try
        {
            foreach (var step in profile.ConnectionSteps)
            {
                var members = Enumerable.Range(open.Count, step - open.Count).Select(i => i % users).ToList();
                var clock = Stopwatch.StartNew();
                LoadConnection[] added;
                try
                {
                    added = await ConnectAsync(prepared, members, parallelism: 64, cancellationToken: cancellationToken);
                }
                catch (Exception e)
                {
                    results.Add($"4. connections: at {step:N0}", target.Name, $"failed: {e.GetType().Name}");
                    results.Fail(target.Name, $"connections: {step} could not be opened ({e.Message})");
                    return;
                }

                var rate = members.Count / clock.Elapsed.TotalSeconds;
                open.AddRange(added);
                await Task.Delay(profile.ConnectionSettle, cancellationToken);
                var resident = target.ResidentBytes;
                var perConnection = (resident - before) / 1024.0 / open.Count;
                results.Add($"{Memory}, at {step:N0}", target.Name, perConnection.ToString("N1", CultureInfo.InvariantCulture), perConnection);
                results.Add($"4. connections: connects/s up to {step:N0}", target.Name, rate.ToString("N0", CultureInfo.InvariantCulture));
                first ??= (open.Count, resident);
            }

            if (first is { } from && open.Count > from.Count)
            {
                var added = (target.ResidentBytes - from.Bytes) / 1024.0 / (open.Count - from.Count);
                results.Add($"{MemoryAdded} from {from.Count:N0} to {open.Count:N0}, KiB", target.Name, added.ToString("N1", CultureInfo.InvariantCulture), added);
            }
        }
        finally
        {
            await CloseAsync(open);
        }
    }
}
