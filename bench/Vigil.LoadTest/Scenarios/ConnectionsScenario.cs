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
    public override string Name => "connections";

    public override async Task RunAsync(Target target, Results results, CancellationToken cancellationToken)
    {
        var users = profile.ConnectionUsers;
        var prepared = await target.PrepareAsync(new Topology(users, []), cancellationToken);
        var open = new List<LoadConnection>();
        var before = target.ResidentBytes;
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
                var perConnection = (target.ResidentBytes - before) / 1024.0 / open.Count;
                results.Add($"{Memory}, at {step:N0}", target.Name, perConnection.ToString("N1", CultureInfo.InvariantCulture), perConnection);
                results.Add($"4. connections: connects/s up to {step:N0}", target.Name, rate.ToString("N0", CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            await CloseAsync(open);
        }
    }
}
