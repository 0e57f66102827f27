using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Server.Data;
using Vigil.Testing;

namespace Vigil.Cli.Tests;

public sealed class FhirCommandTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("vigil-cli-fhir-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Fact]
    public async Task Timing_prints_one_iso_time_per_line_across_the_spring_forward_change()
    {
        var (code, output, error) = await CliRunner.RunAsync("fhir", "timing",
            "--json", """{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["09:00:00"]}}""",
            "--tz", "Europe/Berlin", "--from", "2026-03-28", "--days", "3");

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(["2026-03-28T09:00:00+01:00", "2026-03-29T09:00:00+02:00", "2026-03-30T09:00:00+02:00"], output.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("""{"repeat":{"duration":3,"durationUnit":"h"}}""", "Europe/Berlin", "cannot honour this timing: The timing gives only a duration")]
    [InlineData("""{"repeat":{"frequency":"often"}}""", "Europe/Berlin", "--json is not a FHIR Timing")]
    [InlineData("""{"repeat":{"frequency":1,"period":1,"periodUnit":"d"}}""", "Mars/Olympus", "--tz 'Mars/Olympus' is not an IANA time zone")]
    public async Task Timing_that_cannot_be_expanded_is_a_one_line_error(string json, string zone, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync("fhir", "timing", "--json", json, "--tz", zone, "--from", "2026-03-28");
        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.StartsWith("vigil: " + message, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Import_of_the_shared_Synthea_folder_is_idempotent_offline()
    {
        var folder = RepositoryPaths.SharedData("fhir", "synthea-10-patients");
        var first = await CliRunner.RunAsync("fhir", "import", folder, "--data-dir", _dataDir);
        Assert.Equal(0, first.Code);
        Assert.Contains("│ 2,497 │ 79      │ 43", first.Output, StringComparison.Ordinal);

        var second = await CliRunner.RunAsync("fhir", "import", folder, "--data-dir", _dataDir);
        Assert.Equal(0, second.Code);
        Assert.Contains("│ 2,497 │ 0       │ 0       │ 1,844", second.Output, StringComparison.Ordinal);
        Assert.Equal(13, await CountPatientsAsync());
    }

    [Fact]
    public async Task Import_skips_a_malformed_line_reports_it_and_exits_non_zero()
    {
        var file = Path.Combine(_dataDir, "bad.ndjson");
        await File.WriteAllTextAsync(file, """
            {"resourceType":"Patient","id":"ok"}
            {"resourceType":"Patient","id":"broken","gender":"sometimes"}
            """);
        var (code, output, error) = await CliRunner.RunAsync("fhir", "import", file, "--data-dir", _dataDir);
        Assert.Equal(1, code);
        Assert.Contains("error: bad.ndjson line 2:", output, StringComparison.Ordinal);
        Assert.Equal("vigil: 1 resource(s) skipped; the rest was imported (see the list above)", error.Trim());
        Assert.Equal(1, await CountPatientsAsync());

        var missing = await CliRunner.RunAsync("fhir", "import", Path.Combine(_dataDir, "nope.ndjson"), "--data-dir", _dataDir);
        Assert.Equal(1, missing.Code);
        Assert.StartsWith("vigil: No file or folder at", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pull_reads_a_patient_and_their_medication_requests_from_a_FHIR_server()
    {
        var folder = RepositoryPaths.SharedData("fhir", "synthea-10-patients");
        var patients = File.ReadAllLines(Path.Combine(folder, "Patient.ndjson"));
        var requests = File.ReadAllLines(Path.Combine(folder, "MedicationRequest.ndjson"));
        var patientId = "79a66c97-6131-3213-f3c9-4606946ab056";
        var theirs = requests.Where(r => r.Contains($"\"Patient/{patientId}\"", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(theirs);
        await using var fhir = await SyntheaFhirServer.StartAsync(patients, requests);

        var (code, output, error) = await CliRunner.RunAsync("fhir", "pull", "--server", fhir.BaseUrl, "--patient", patientId, "--data-dir", _dataDir);

        Assert.True(code == 0, error);
        Assert.Contains($"Read {1 + theirs.Count} resource(s)", output, StringComparison.Ordinal);
        Assert.Equal(1, await CountPatientsAsync());
        Assert.True(fhir.Requests.Count(r => r.StartsWith("/MedicationRequest", StringComparison.Ordinal)) >= 2, "the client follows the next-page links");
    }

    private async Task<int> CountPatientsAsync()
    {
        await using var services = DataDirectoryTarget.BuildServices(_dataDir);
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().PatientProfiles.CountAsync();
    }

    /// <summary>
    /// A minimal FHIR R4 server over the shared Synthea resources: read Patient/{id}, and search MedicationRequest and
    /// Appointment by patient with paging (10 per page), as real servers do.
    /// </summary>
    private sealed class SyntheaFhirServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SyntheaFhirServer(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

        public string BaseUrl { get; }

        public List<string> Requests { get; } = [];

        public static async Task<SyntheaFhirServer> StartAsync(string[] patients, string[] requests)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var app = builder.Build();
            SyntheaFhirServer? server = null;
            app.Use(async (context, next) =>
            {
                server!.Requests.Add(context.Request.Path + context.Request.QueryString);
                await next(context);
            });
            app.MapGet("/Patient/{id}", (string id) =>
                patients.FirstOrDefault(p => p.Contains($"\"id\":\"{id}\"", StringComparison.Ordinal)) is { } json
                    ? Results.Text(json, "application/fhir+json")
                    : Results.NotFound());
            app.MapGet("/MedicationRequest", (HttpContext context, string subject, int? page) =>
                Page(context, requests.Where(r => r.Contains($"\"{subject}\"", StringComparison.Ordinal)).ToList(), page ?? 0, $"subject={subject}"));
            app.MapGet("/Appointment", (HttpContext context, string patient) => Page(context, [], 0, $"patient={patient}"));
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            server = new SyntheaFhirServer(app, address + "/");
            return server;
        }

        private static IResult Page(HttpContext context, List<string> matches, int page, string query)
        {
            const int size = 10;
            var entries = matches.Skip(page * size).Take(size).Select(r => $$$"""{"resource":{{{r}}},"search":{"mode":"match"}}""");
            var basePath = $"{context.Request.Scheme}://{context.Request.Host}{context.Request.Path}";
            var next = (page + 1) * size < matches.Count
                ? $$""","link":[{"relation":"next","url":"{{basePath}}?{{query}}&page={{page + 1}}"}]"""
                : "";
            var bundle = new StringBuilder($$"""{"resourceType":"Bundle","type":"searchset","total":{{matches.Count}}{{next}},"entry":[""");
            bundle.AppendJoin(',', entries).Append("]}");
            return Results.Text(bundle.ToString(), "application/fhir+json");
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
