using Vigil.Client;
using Vigil.LoadTest.Connections;
using Vigil.Testing;

namespace Vigil.LoadTest.Targets;

/// <summary>
/// The real Vigil server (ledger and encryption on): on SQLite in a temporary data folder, or on PostgreSQL with a
/// Redis backplane and one or more nodes sharing that folder (keys) and the database. Clients are spread over the
/// nodes: member m talks to node m mod n.
/// </summary>
internal sealed class VigilTarget(string database, int nodes) : Target
{
    private readonly string _data = Directory.CreateTempSubdirectory("vigil-load-").FullName;
    private readonly List<ServerProcess> _nodes = [];
    private readonly List<Uri> _addresses = [];
    private readonly Provisioner _users = new();
    private string? _postgres;

    public override string Name => database == "sqlite" ? "Vigil SQLite" : $"Vigil PostgreSQL + Redis, {nodes} node{(nodes > 1 ? "s" : "")}";

    public override bool Durable => true;

    public override IReadOnlyList<ServerProcess> Processes => _nodes;

    public override async Task StartAsync()
    {
        if (database == "postgres")
        {
            _postgres = TestDatabase.CreatePostgresDatabase();
        }

        for (var i = 0; i < nodes; i++)
        {
            _addresses.Add(new Uri($"http://127.0.0.1:{ServerProcess.FreePort()}"));
        }

        await StartNodesAsync();
        await _users.SetUpAsync(_addresses);
    }

    public override async Task<Prepared> PrepareAsync(Topology topology, CancellationToken cancellationToken)
    {
        var clients = await _users.SignInAsync(topology.Members, cancellationToken);
        var keys = await _users.CreateConversationsAsync(topology.Groups, cancellationToken);
        return new Prepared(keys, member => new VigilConnection(clients[member].Client));
    }

    public override async Task<long?> DatabaseCommitsAsync()
    {
        if (_postgres is null)
        {
            return null;
        }

        // The statistics collector publishes about once a second.
        await Task.Delay(TimeSpan.FromSeconds(1.2));
        await using var connection = new Npgsql.NpgsqlConnection(_postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    public override async Task CrashAndRestartAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
        await StartNodesAsync(restart: true);
    }

    public override async ValueTask DisposeAsync()
    {
        _users.Dispose();
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        if (_postgres is not null)
        {
            TestDatabase.DropPostgresDatabase(_postgres);
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder; the OS cleans it.
        }
    }

    private async Task StartNodesAsync(bool restart = false)
    {
        var environment = new Dictionary<string, string>();
        if (_postgres is not null)
        {
            environment["Vigil__Database"] = "postgres";
            environment["Vigil__ConnectionString"] = _postgres;
            environment["Vigil__Redis"] = TestRedis.ConnectionString;
            environment["Vigil__RedisChannelPrefix"] = "vigil-" + Path.GetFileName(_data);
        }

        Task<ServerProcess> Start(Uri address) =>
            Pinning.StartServerAsync("Vigil.Server.dll", ["--urls", address.ToString(), "--data-dir", _data], address, environment);

        if (restart)
        {
            // The keys are in the shared folder already: every node comes back at once, as after a power cut.
            _nodes.AddRange(await Task.WhenAll(_addresses.Select(Start)));
            return;
        }

        // One after the other: the first start creates the keys in the shared data folder, the next ones read them.
        foreach (var address in _addresses)
        {
            _nodes.Add(await Start(address));
        }
    }
}
