using Vigil.LoadTest.Connections;
using Vigil.Testing;

namespace Vigil.LoadTest.Targets;

/// <summary>B0 (bare Kestrel WebSocket echo) or B1 (bare SignalR hub), from bench/Vigil.Baselines.</summary>
internal sealed class BaselineTarget(string mode) : Target
{
    private ServerProcess? _process;
    private int _prepared;

    public override string Name => mode == "echo" ? "B0 Kestrel WebSocket" : "B1 bare SignalR";

    public override IReadOnlyList<ServerProcess> Processes => _process is null ? [] : [_process];

    public override async Task StartAsync()
    {
        var address = new Uri($"http://127.0.0.1:{Vigil.Testing.ServerProcess.FreePort()}");
        _process = await Pinning.StartServerAsync("Vigil.Baselines.dll", [mode, "--urls", address.ToString()], address);
    }

    public override Task<Prepared> PrepareAsync(Topology topology, CancellationToken cancellationToken)
    {
        var run = Interlocked.Increment(ref _prepared);
        var keys = topology.Groups.Select((_, i) => $"r{run}g{i}").ToList();
        var groupsOf = Enumerable.Range(0, topology.Members).Select(_ => new List<string>()).ToArray();
        for (var g = 0; g < topology.Groups.Count; g++)
        {
            foreach (var member in topology.Groups[g])
            {
                groupsOf[member].Add(keys[g]);
            }
        }

        var address = _process!.Address;
        return Task.FromResult(new Prepared(keys, member => mode == "echo"
            ? new EchoConnection(address, groupsOf[member])
            : new BareHubConnection(address, groupsOf[member])));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
