using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Vigil.LoadTest.Measurement;
using Vigil.LoadTest.Scenarios;
using Vigil.LoadTest.Targets;

namespace Vigil.LoadTest;

/// <summary>
/// Drives every server under test through the same scenarios in one run and prints one table. Exits non-zero when a
/// message was lost or duplicated, a send failed, or a scenario could not run.
/// </summary>
internal static class LoadProgram
{
    private static readonly string[] AllTargets = ["b0", "b1", "sqlite", "postgres", "postgres2", "prosody", "ejabberd"];
    private static readonly string[] AllScenarios = ["ingest", "roundtrip", "fanout", "connections", "history", "storm"];

    // Scenario 1c alone (it also runs as part of "history"): not in the default list.
    private const string WriterOnly = "writer";

    public static async Task<int> Main(string[] args)
    {
        var smoke = new Option<bool>("--smoke") { Description = "Small and short (CI, under 3 minutes) instead of the full run" };
        var targets = new Option<string[]>("--targets")
        {
            Description = "Servers: b0 (Kestrel WebSocket echo), b1 (bare SignalR), sqlite, postgres (1 node + Redis), postgres2 (2 nodes + Redis), prosody and ejabberd (XMPP, archive on; round trip only)",
            DefaultValueFactory = _ => AllTargets,
            AllowMultipleArgumentsPerToken = true,
        };
        var scenarios = new Option<string[]>("--scenarios")
        {
            Description = "ingest, roundtrip, fanout, connections, history (1b, 1c and 5), storm; writer (1c alone)",
            DefaultValueFactory = _ => AllScenarios,
            AllowMultipleArgumentsPerToken = true,
        };
        var noPin = new Option<bool>("--no-pin") { Description = "Do not split the CPUs between servers and the load generator" };
        var output = new Option<string?>("--out") { Description = "Also write the table (Markdown) to this file" };
        var root = new RootCommand("Vigil load benchmark: baselines and Vigil, same scenarios, one table") { smoke, targets, scenarios, noPin, output };
        root.SetAction(async (parse, ct) =>
        {
            if (Pinning.Apply(!parse.GetValue(noPin), args) is { } exitCode)
            {
                return exitCode;
            }

            var profile = parse.GetValue(smoke) ? Profile.Smoke : Profile.Full;
            var chosen = parse.GetValue(scenarios)!;
            var unknown = parse.GetValue(targets)!.Concat(chosen).Except(AllTargets.Concat(AllScenarios).Append(WriterOnly)).ToList();
            if (unknown.Count > 0)
            {
                Console.Error.WriteLine($"error: unknown target or scenario: {string.Join(", ", unknown)}");
                return 2;
            }

            var needsServices = parse.GetValue(targets)!.Any(t => t.StartsWith("postgres", StringComparison.Ordinal));
            if (needsServices && (Environment.GetEnvironmentVariable("VIGIL_TEST_POSTGRES") is null || Environment.GetEnvironmentVariable("VIGIL_TEST_REDIS") is null))
            {
                Console.Error.WriteLine("error: the postgres targets need VIGIL_TEST_POSTGRES and VIGIL_TEST_REDIS (bench/run.sh starts both)");
                return 2;
            }

            var clock = Stopwatch.StartNew();
            var results = new Results();
            Console.Error.WriteLine($"{(parse.GetValue(smoke) ? "smoke" : "full")} run on {Machine.Describe()}; servers on CPU {Pinning.ServerCpus ?? "any"}, load on CPU {Pinning.LoadCpus ?? "any"}");
            foreach (var name in parse.GetValue(targets)!)
            {
                await RunTargetAsync(name, profile, chosen, results, ct);
            }

            if (chosen.Contains("history") || chosen.Contains(WriterOnly))
            {
                Console.Error.WriteLine("== writer at a fixed rate (Vigil SQLite)");
                await WriterAtRateScenario.RunAsync(profile, results, ct);
            }

            if (chosen.Contains("history"))
            {
                Console.Error.WriteLine("== writer alone and history (Vigil SQLite)");
                await WriterAndHistoryScenario.RunAsync(profile, results, ct);
            }

            results.AddRatios(results.RowStartingWith(IngestScenario.Rate), "B1 bare SignalR", "1. ingest: as % of B1");
            results.AddRatios(results.RowStartingWith(ConnectionsScenario.MemoryAdded), "B1 bare SignalR", "4. connections: memory per idle connection added, as % of B1's");
            // Server CPU per message does not depend on the load generator: the fairest single ratio between servers.
            var compared = profile.RoundTripRates.Contains(1000) ? 1000 : profile.RoundTripRates[0];
            results.AddRatios(RoundTripScenario.Row(compared, profile.RoundTripClients), "Vigil SQLite",
                string.Create(CultureInfo.InvariantCulture, $"2. round trip: server CPU per message at {compared:N0} msg/s, as % of Vigil SQLite's"));
            var table = $"Machine: {Machine.Describe()}; servers pinned to CPU {Pinning.ServerCpus ?? "any"}, load generator to CPU {Pinning.LoadCpus ?? "any"}. " +
                $"{(parse.GetValue(smoke) ? "Smoke" : "Full")} run, {clock.Elapsed.TotalMinutes:N1} min.\n\n" + results.ToMarkdown();
            Console.WriteLine(table);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, table, ct);
            }

            foreach (var failure in results.Failures)
            {
                Console.Error.WriteLine($"FAILED {failure}");
            }

            return results.Failures.Count == 0 ? 0 : 1;
        });
        return await root.Parse(args).InvokeAsync();
    }

    private static async Task RunTargetAsync(string name, Profile profile, string[] chosen, Results results, CancellationToken cancellationToken)
    {
        await using Target target = name switch
        {
            "b0" => new BaselineTarget("echo"),
            "b1" => new BaselineTarget("hub"),
            "sqlite" => new VigilTarget("sqlite", 1),
            "postgres" => new VigilTarget("postgres", 1),
            "prosody" => new ProsodyTarget(),
            "ejabberd" => new EjabberdTarget(),
            _ => new VigilTarget("postgres", 2),
        };
        Console.Error.WriteLine($"== {target.Name}");
        var clock = Stopwatch.StartNew();
        try
        {
            await target.StartAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            results.Fail(target.Name, $"did not start: {e.GetType().Name}: {e.Message}");
            return;
        }

        Scenario[] scenarios =
        [
            new IngestScenario(profile), new RoundTripScenario(profile), new FanOutScenario(profile),
            new ConnectionsScenario(profile), new ReconnectStormScenario(profile),
        ];
        foreach (var scenario in scenarios.Where(s => chosen.Contains(s.Name) && s.Supports(target)))
        {
            try
            {
                await scenario.RunAsync(target, results, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                results.Fail(target.Name, $"{scenario.Name} did not complete: {e.GetType().Name}: {e.Message}");
            }

            Console.Error.WriteLine($"  ({scenario.Name} done at {clock.Elapsed.TotalSeconds:N0} s)");
        }
    }
}
