using Vigil.LoadTest.Connections;
using Vigil.Testing;

namespace Vigil.LoadTest.Targets;

/// <summary>Members (users) 0..Members-1 and the groups (conversations) they form.</summary>
internal sealed record Topology(int Members, IReadOnlyList<IReadOnlyList<int>> Groups)
{
    /// <summary>Members 2k and 2k+1 together, as one-to-one conversations.</summary>
    public static Topology Pairs(int members) =>
        new(members, [.. Enumerable.Range(0, members / 2).Select(p => (IReadOnlyList<int>)[2 * p, (2 * p) + 1])]);
}

/// <summary>What a scenario gets back: each group's key and a way to open a connection as a member.</summary>
internal sealed record Prepared(IReadOnlyList<string> GroupKeys, Func<int, LoadConnection> Connect);

/// <summary>A server under test: one of the baselines or Vigil in one of its deployments.</summary>
internal abstract class Target : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>Whether acknowledged messages survive a crash (the reconnect storm needs it).</summary>
    public virtual bool Durable => false;

    public abstract IReadOnlyList<ServerProcess> Processes { get; }

    public virtual TimeSpan CpuTime => Processes.Aggregate(TimeSpan.Zero, (sum, p) => sum + p.CpuTime);

    public virtual long ResidentBytes => Processes.Sum(p => p.ResidentBytes() ?? 0);

    /// <summary>Whether the scenario of that name applies to this server (the XMPP servers run only the one-to-one round trip).</summary>
    public virtual bool Supports(string scenario) => true;

    public abstract Task StartAsync();

    public abstract Task<Prepared> PrepareAsync(Topology topology, CancellationToken cancellationToken);

    /// <summary>Transactions the database has committed so far, where it can say (PostgreSQL); null otherwise.</summary>
    public virtual Task<long?> DatabaseCommitsAsync() => Task.FromResult<long?>(null);

    /// <summary>Kills every node and starts it again on the same data and ports.</summary>
    public virtual Task CrashAndRestartAsync() => throw new NotSupportedException($"{Name} keeps nothing across a restart.");

    public abstract ValueTask DisposeAsync();
}
