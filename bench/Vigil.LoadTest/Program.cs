using System.CommandLine;
using System.Globalization;
using Vigil.LoadTest;
using Vigil.Testing;

// Load program: N connected clients in pairs, durable sends through the SDK, send-to-receive latency at the peer.
var clients = new Option<int>("--clients") { Description = "Connected clients (users), even", DefaultValueFactory = _ => 1000 };
var duration = new Option<int>("--seconds") { Description = "Measured seconds", DefaultValueFactory = _ => 20 };
var warmup = new Option<int>("--warmup") { Description = "Warm-up seconds, not measured", DefaultValueFactory = _ => 5 };
var rates = new Option<int[]>("--rate")
{
    Description = "Total messages per second to offer (open loop); repeat for a sweep; 0 = as fast as acks return (closed loop)",
    DefaultValueFactory = _ => [0],
    AllowMultipleArgumentsPerToken = true,
};
var inFlight = new Option<int>("--in-flight") { Description = "Closed loop: concurrent sends per client", DefaultValueFactory = _ => 1 };
var messagePack = new Option<bool>("--messagepack") { Description = "Use the MessagePack hub protocol instead of JSON" };
var server = new Option<string?>("--server") { Description = "Use a running server instead of starting one on a temporary data folder" };
var postgres = new Option<string?>("--postgres")
{
    Description = "Start the server on PostgreSQL: a connection string to an empty database (default: SQLite in the data folder)",
};
var root = new RootCommand("Vigil load test") { clients, duration, warmup, rates, inFlight, server, messagePack, postgres };
root.SetAction(async (parse, ct) =>
{
    var count = parse.GetValue(clients) / 2 * 2;
    var data = Directory.CreateTempSubdirectory("vigil-load-").FullName;
    ServerProcess? child = null;
    try
    {
        Uri address;
        if (parse.GetValue(server) is { } url)
        {
            address = new Uri(url);
        }
        else
        {
            var environment = parse.GetValue(postgres) is { } connection
                ? new Dictionary<string, string> { ["Vigil__Database"] = "postgres", ["Vigil__ConnectionString"] = connection }
                : null;
            child = await ServerProcess.StartAsync(data, environment: environment);
            address = child.Address;
        }

        Console.Error.WriteLine($"server {address} (data {data}, {(parse.GetValue(postgres) is null ? "SQLite" : "PostgreSQL")}); {Environment.ProcessorCount} cores");
        var users = await Provisioner.SignInUsersAsync(address, count);
        var conversations = await Provisioner.PairAsync(users);
        Console.WriteLine("| clients | offered msg/s | durable acks/s | delivered | errors | ack p50 / p99 ms | send→receive p50 / p90 / p99 / max ms | server CPU | server RSS |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var rate in parse.GetValue(rates)!)
        {
            var cpuBefore = child?.CpuTime ?? TimeSpan.Zero;
            var options = new LoadOptions(count, TimeSpan.FromSeconds(parse.GetValue(duration)), TimeSpan.FromSeconds(parse.GetValue(warmup)),
                rate, parse.GetValue(inFlight), null, null, parse.GetValue(messagePack));
            var started = DateTime.UtcNow;
            var result = await new LoadRun(options, users, conversations).RunAsync();
            var wall = DateTime.UtcNow - started;
            var cpu = child is null ? "n/a" : $"{(child.CpuTime - cpuBefore) / wall * 100:0}%";
            var rss = child?.ResidentBytes() is { } bytes ? $"{bytes / 1024 / 1024} MB" : "n/a";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {result.Clients} | {(rate == 0 ? "closed loop" : rate.ToString(CultureInfo.InvariantCulture))} | {result.AckedPerSecond:0} | {result.Delivered} | {result.Errors} | {result.Ack.P50:0.0} / {result.Ack.P99:0.0} | {result.Delivery.P50:0.0} / {result.Delivery.P90:0.0} / {result.Delivery.P99:0.0} / {result.Delivery.Max:0} | {cpu} | {rss} |"));
        }

        foreach (var (client, _) in users)
        {
            client.Dispose();
        }

        return 0;
    }
    finally
    {
        if (child is not null)
        {
            await child.DisposeAsync();
        }

        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // Temporary folder; the OS cleans it.
        }
    }
});
return await root.Parse(args).InvokeAsync();
