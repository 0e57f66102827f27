using System.CommandLine;
using System.Globalization;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Text;
using Spectre.Console;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Fhir.Resources;
using Vigil.Fhir.Timing;
using Vigil.Server.Fhir;
using Task = System.Threading.Tasks.Task;

namespace Vigil.Cli;

/// <summary><c>vigil fhir import | pull | timing</c>: FHIR R4 data in, and the timing expander on the command line.</summary>
internal static class FhirCommands
{
    public static Command Create(Option<string> dataDir, Option<string?> server, Func<ParseResult, CancellationToken, Task<VigilClient>> signIn,
        IAnsiConsole console, TextWriter output, TextWriter error) =>
        new("fhir", "FHIR R4: import patients, practitioners, medication requests and appointments; expand timings.")
        {
            Import(dataDir, server, signIn, console, error),
            Pull(dataDir, server, console, error),
            Timing(output, error),
        };

    private static Command Import(Option<string> dataDir, Option<string?> server, Func<ParseResult, CancellationToken, Task<VigilClient>> signIn,
        IAnsiConsole console, TextWriter error)
    {
        var path = new Argument<string>("path") { Description = "An .ndjson or Bundle .json file, or a folder of them" };
        var import = new Command("import",
            "Import FHIR R4 resources (idempotent: importing again changes nothing). Offline on --data-dir, or through --server. " +
            "Exit code 1 if any resource was skipped; the rest is imported.") { path };
        import.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            var source = parse.GetValue(path)!;
            FhirImportReportDto report;
            if (parse.GetValue(server) is not null)
            {
                if (Directory.Exists(source))
                {
                    throw new CliException("--server imports one file at a time; give a file, or import a folder offline");
                }

                using var client = await signIn(parse, ct).ConfigureAwait(false);
                report = await client.ImportFhirAsync(await File.ReadAllBytesAsync(source, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            }
            else
            {
                var resources = ReadAll(source, console);
                report = await ImportOfflineAsync(parse.GetValue(dataDir)!, resources, console, ct).ConfigureAwait(false);
            }

            Print(console, report);
            if (report.Failed > 0)
            {
                throw new CliException($"{report.Failed} resource(s) skipped; the rest was imported (see the list above)");
            }
        }));
        return import;
    }

    private static Command Pull(Option<string> dataDir, Option<string?> server, IAnsiConsole console, TextWriter error)
    {
        var patient = new Option<string>("--patient") { Description = "The patient's id on the FHIR server", Required = true };
        var pull = new Command("pull",
            "Read a patient, their MedicationRequests and Appointments from a FHIR R4 server (--server is the FHIR base URL here) " +
            "and import them into --data-dir.") { patient };
        pull.SetAction((parse, ct) => VigilCommand.Guarded(error, async () =>
        {
            var baseUrl = parse.GetValue(server) ?? throw new CliException("give --server with the FHIR server's base URL");
            if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CliException($"--server must be an http(s) URL, not '{baseUrl}'");
            }

            var resources = await FetchAsync(uri, parse.GetValue(patient)!, console, ct).ConfigureAwait(false);
            Print(console, await ImportOfflineAsync(parse.GetValue(dataDir)!, resources, console, ct).ConfigureAwait(false));
        }));
        return pull;
    }

    private static Command Timing(TextWriter output, TextWriter error)
    {
        var json = new Option<string>("--json") { Description = "A FHIR R4 Timing as JSON, e.g. {\"repeat\":{\"frequency\":2,\"period\":1,\"periodUnit\":\"d\"}}", Required = true };
        var zone = new Option<string>("--tz") { Description = "The patient's IANA time zone, e.g. Europe/Berlin", Required = true };
        var from = new Option<string>("--from") { Description = "First day (yyyy-MM-dd, patient-local) or instant (ISO 8601 with offset)", Required = true };
        var days = new Option<int>("--days") { Description = "How many days to list", DefaultValueFactory = _ => 7 };
        var start = new Option<string?>("--start") { Description = "When the series starts if the timing has no bounds (default: --from)" };
        var timing = new Command("timing", "Print the times a Timing expands to, one per line (ISO 8601 with offset), or why it cannot be honoured.")
        {
            json, zone, from, days, start,
        };
        timing.SetAction((parse, _) => VigilCommand.Guarded(error, async () =>
        {
            var tz = DateTimeZoneProviders.Tzdb.GetZoneOrNull(parse.GetValue(zone)!)
                ?? throw new CliException($"--tz '{parse.GetValue(zone)}' is not an IANA time zone");
            var count = parse.GetValue(days);
            if (count is < 1 or > 3660)
            {
                throw new CliException("--days must be between 1 and 3660");
            }

            var windowStart = Instant(parse.GetValue(from)!, tz, "--from");
            var windowEnd = windowStart.InZone(tz).LocalDateTime.PlusDays(count).InZoneLeniently(tz).ToDateTimeOffset();
            var seriesStart = parse.GetValue(start) is { } s ? Instant(s, tz, "--start") : windowStart;
            Hl7.Fhir.Model.Timing parsed;
            try
            {
                parsed = FhirJson.ParseElement<Hl7.Fhir.Model.Timing>(parse.GetValue(json)!);
            }
            catch (FhirFormatException exception)
            {
                throw new CliException($"--json is not a FHIR Timing: {exception.Message}");
            }

            IReadOnlyList<TimingOccurrence> times;
            try
            {
                times = new TimingExpander().Expand(parsed, tz, seriesStart.ToDateTimeOffset(), windowStart.ToDateTimeOffset(), windowEnd);
            }
            catch (TimingNotSupportedException exception)
            {
                throw new CliException($"cannot honour this timing: {exception.Message}");
            }

            foreach (var time in times)
            {
                await output.WriteLineAsync(time.Local.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }
        }));
        return timing;
    }

    private static NodaTime.Instant Instant(string value, DateTimeZone zone, string option)
    {
        var date = LocalDatePattern.Iso.Parse(value);
        if (date.Success)
        {
            return date.Value.AtStartOfDayInZone(zone).ToInstant();
        }

        var instant = OffsetDateTimePattern.ExtendedIso.Parse(value);
        return instant.Success ? instant.Value.ToInstant() : throw new CliException($"{option} must be yyyy-MM-dd or an ISO 8601 instant with offset, not '{value}'");
    }

    private static List<FhirReadResult> ReadAll(string source, IAnsiConsole console)
    {
        try
        {
            var results = new List<FhirReadResult>();
            console.Status().Start("Reading FHIR resources…", context =>
            {
                foreach (var result in FhirResourceReader.ReadPath(source))
                {
                    results.Add(result);
                    if (results.Count % 500 == 0)
                    {
                        context.Status($"Reading FHIR resources… {results.Count:N0}");
                    }
                }
            });
            return results;
        }
        catch (FileNotFoundException exception)
        {
            throw new CliException(exception.Message);
        }
    }

    private static async Task<FhirImportReportDto> ImportOfflineAsync(string dataDir, List<FhirReadResult> resources, IAnsiConsole console, CancellationToken cancellationToken)
    {
        await using var target = await DataDirectoryTarget.OpenAsync(dataDir, cancellationToken).ConfigureAwait(false);
        await using var scope = target.Services.CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<FhirImporter>();
        FhirImportReportDto? report = null;
        await console.Status().StartAsync($"Importing {resources.Count:N0} resources…", async _ =>
            report = await importer.ImportAsync(resources, null, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return report!;
    }

    private static async Task<List<FhirReadResult>> FetchAsync(Uri baseUrl, string patientId, IAnsiConsole console, CancellationToken cancellationToken)
    {
        using var client = new FhirClient(baseUrl, new FhirClientSettings { PreferredFormat = ResourceFormat.Json, Timeout = 60_000 });
        var results = new List<FhirReadResult>();
        await console.Status().StartAsync($"Reading Patient/{patientId} from {baseUrl}…", async context =>
        {
            var patient = await client.ReadAsync<Patient>($"Patient/{patientId}", ct: cancellationToken).ConfigureAwait(false)
                ?? throw new CliException($"Patient/{patientId} was not found on {baseUrl}");
            results.Add(new FhirReadResult(baseUrl.ToString(), $"Patient/{patientId}", patient, null));
            foreach (var (type, parameter) in new[] { ("MedicationRequest", "subject"), ("Appointment", "patient") })
            {
                context.Status($"Searching {type} for Patient/{patientId}…");
                var page = await client.SearchAsync(type, [$"{parameter}=Patient/{patientId}"], ct: cancellationToken).ConfigureAwait(false);
                while (page is not null)
                {
                    results.AddRange(page.Entry.Where(e => e.Resource is not null && e.Search?.Mode != Bundle.SearchEntryMode.Outcome)
                        .Select(e => new FhirReadResult(baseUrl.ToString(), e.FullUrl ?? type, e.Resource, null)));
                    page = await client.ContinueAsync(page, ct: cancellationToken).ConfigureAwait(false);
                }
            }
        }).ConfigureAwait(false);
        console.MarkupLineInterpolated($"Read {results.Count} resource(s) from {baseUrl}.");
        return results;
    }

    private static void Print(IAnsiConsole console, FhirImportReportDto report)
    {
        var table = new Table().AddColumns("Read", "Created", "Updated", "Unchanged", "Ignored", "Failed", "Patients", "Plans with reminders", "Plans without");
        table.AddRow($"{report.Read:N0}", $"{report.Created:N0}", $"{report.Updated:N0}", $"{report.Unchanged:N0}", $"{report.Ignored:N0}",
            $"{report.Failed:N0}", $"{report.PatientsImported:N0}", $"{report.PlansActive:N0}", $"{report.PlansWithoutReminders:N0}");
        console.Write(table);
        foreach (var issue in report.Issues.Take(50))
        {
            console.MarkupLineInterpolated($"{issue.Severity}: {issue.Source} {issue.Location}: {issue.Message}");
        }

        if (report.Issues.Count > 50)
        {
            console.MarkupLineInterpolated($"… and {report.Issues.Count - 50} more issue(s).");
        }
    }
}
