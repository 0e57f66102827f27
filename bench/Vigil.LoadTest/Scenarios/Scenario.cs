using Vigil.LoadTest.Connections;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest.Scenarios;

internal abstract class Scenario
{
    public abstract string Name { get; }

    public virtual bool Supports(Target target) => target.Supports(Name);

    public abstract Task RunAsync(Target target, Results results, CancellationToken cancellationToken);

    /// <summary>Opens a connection per entry of <paramref name="members"/> (a member may appear more than once).</summary>
    protected static async Task<LoadConnection[]> ConnectAsync(
        Prepared prepared, IReadOnlyList<int> members, Action<int, LoadConnection>? configure = null, int parallelism = 32,
        CancellationToken cancellationToken = default)
    {
        var connections = new LoadConnection[members.Count];
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, members.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            var connection = prepared.Connect(members[i]);
            configure?.Invoke(i, connection);
            await connection.StartAsync(ct);
            connections[i] = connection;
            if (Interlocked.Increment(ref done) % 500 == 0)
            {
                Console.Error.Write($"\r  connected {done}/{members.Count} ");
            }
        });
        Console.Error.Write("\r");
        return connections;
    }

    protected static async Task CloseAsync(IEnumerable<LoadConnection?> connections)
    {
        await Parallel.ForEachAsync(connections.OfType<LoadConnection>(), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (c, _) => await c.DisposeAsync());
    }

    protected static int SenderOf(string id) => int.Parse(id.AsSpan(0, id.IndexOf(':', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture);
}
