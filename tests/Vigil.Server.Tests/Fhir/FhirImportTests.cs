using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Fhir.Resources;
using Vigil.Server.Data;
using Vigil.Server.Tests.Patients;
using Vigil.Testing;

namespace Vigil.Server.Tests.Fhir;

public sealed class FhirImportTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static byte[] SyntheaNdjson() => Encoding.UTF8.GetBytes(string.Join('\n',
        Directory.GetFiles(RepositoryPaths.SharedData("fhir", "synthea-10-patients"), "*.ndjson").Order(StringComparer.Ordinal).Select(File.ReadAllText)));

    private static async Task<int> LedgerSizeAsync(VigilServerFactory factory)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<VigilDbContext>().LedgerEntries.CountAsync();
    }

    [Fact]
    public async Task Importing_the_shared_Synthea_data_creates_patients_clinicians_and_reminder_plans()
    {
        await using var factory = new VigilServerFactory(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), PatientScenario.Settings());
        var (admin, _) = await factory.AdminAsync();
        var (clinician, _) = await factory.UserAsync("dr", VigilRoles.Clinician);

        var report = await admin.ImportFhirAsync(SyntheaNdjson());

        Assert.True(report.Failed == 0, string.Join("\n", report.Issues.Where(i => i.Severity == "error").Take(3).Select(i => $"{i.Source} {i.Location}: {i.Message}")));
        Assert.Equal(13, report.PatientsImported);
        // 23 active MedicationRequests: 6 with a timing, 6 as needed, 11 without a dosage instruction.
        Assert.Equal(6, report.PlansActive);
        Assert.Equal(17, report.PlansWithoutReminders);
        Assert.Equal(11, report.Issues.Count(i => i.Severity == "warning" && i.Message.Contains("no timing", StringComparison.Ordinal)));
        Assert.True(report.Ignored > 500, "Conditions, organisations and locations are read and ignored.");

        var patients = await clinician.ListPatientsAsync();
        Assert.Equal(13, patients.Count);
        Assert.All(patients, p => Assert.Equal("America/Chicago", p.TimeZone));
        Assert.All(patients, p => Assert.Contains(p.Identifiers, i => i.System == "http://hl7.org/fhir/sid/us-ssn"));
        Assert.All(patients, p => Assert.False(string.IsNullOrEmpty(p.Name)));
    }

    [Fact]
    public async Task Importing_the_same_resources_again_changes_nothing()
    {
        await using var factory = new VigilServerFactory(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), PatientScenario.Settings());
        var (admin, _) = await factory.AdminAsync();
        var first = await admin.ImportFhirAsync(SyntheaNdjson());
        var ledgerSize = await LedgerSizeAsync(factory);

        var second = await admin.ImportFhirAsync(SyntheaNdjson());

        Assert.Equal((0, 0), (second.Created, second.Updated));
        Assert.Equal(first.Read - first.Ignored - first.Failed, second.Unchanged);
        Assert.Equal(ledgerSize, await LedgerSizeAsync(factory));
    }

    [Fact]
    public async Task A_stopped_medication_request_ends_its_plan_and_drops_its_future_reminders()
    {
        await using var scenario = await PatientScenario.StartAsync(new DateTimeOffset(2026, 3, 27, 10, 0, 0, TimeSpan.Zero));
        await scenario.RunSchedulerAsync();
        var window = (new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.Zero));
        Assert.NotEmpty((await scenario.Clinician.GetRemindersAsync(scenario.PatientId, window.Item1, window.Item2)).Reminders);

        var report = await scenario.ImportAsync(PatientScenario.MedicationRequest(status: "stopped"));

        Assert.Equal(1, report.Updated);
        var plan = Assert.Single(await scenario.Clinician.GetReminderPlansAsync(scenario.PatientId));
        Assert.Equal("ended", plan.Status);
        Assert.Empty((await scenario.Clinician.GetRemindersAsync(scenario.PatientId, window.Item1, window.Item2)).Reminders);
        Assert.Equal(0, (await scenario.AtAsync(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero))).Sent);
    }

    [Fact]
    public async Task A_malformed_line_is_reported_with_its_line_and_reason_and_skips_only_itself()
    {
        await using var factory = new VigilServerFactory(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), PatientScenario.Settings());
        var (admin, _) = await factory.AdminAsync();
        var ndjson = string.Join('\n',
            PatientScenario.PatientResource(),
            """{"resourceType":"Patient","id":"bad","birthDate":12}""",
            "this is not json",
            "",
            PatientScenario.MedicationRequest(patient: "nobody"),
            PatientScenario.MedicationRequest(id: "mr-2"));

        var report = await admin.ImportFhirAsync(Encoding.UTF8.GetBytes(ndjson));

        Assert.Equal(3, report.Failed);
        var errors = report.Issues.Where(i => i.Severity == "error").ToList();
        Assert.Equal(["line 2", "line 3", "line 5"], errors.Select(e => e.Location));
        Assert.Contains("Patient/nobody is not known", errors[2].Message, StringComparison.Ordinal);
        Assert.Equal(2, report.Created);
    }

    [Fact]
    public async Task Every_official_R4_example_imports_or_is_reported_and_structure_wins_over_narrative()
    {
        await using var factory = new VigilServerFactory(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), PatientScenario.Settings());
        var (admin, _) = await factory.AdminAsync();
        var (clinician, _) = await factory.UserAsync("dr", VigilRoles.Clinician);
        var folder = RepositoryPaths.SharedData("fhir", "hl7-r4-examples");
        var results = FhirResourceReader.ReadPath(folder).ToList();
        Assert.All(results, r => Assert.Null(r.Error));

        var bundle = new Hl7.Fhir.Model.Bundle { Type = Hl7.Fhir.Model.Bundle.BundleType.Collection };
        bundle.Entry.AddRange(results.Select(r => new Hl7.Fhir.Model.Bundle.EntryComponent { Resource = r.Resource }));
        var report = await admin.ImportFhirAsync(Encoding.UTF8.GetBytes(FhirJson.Serialize(bundle)));

        Assert.Equal(0, report.Failed);
        var pat1 = (await clinician.ListPatientsAsync()).Single(p => p.FhirId == "pat1");
        var plans = await clinician.GetReminderPlansAsync(pat1.Id);
        // medrx0302: narrative says otherwise; structure says once a day, then four times a day.
        var medrx0302 = plans.Where(p => p.Source.StartsWith("MedicationRequest/medrx0302#", StringComparison.Ordinal)).ToList();
        Assert.Equal(["active", "active"], medrx0302.Select(p => p.Status));
        // medrx0311 uses Timing.code QD; medrx0310 is as needed; medrx0303 is a taper with three bounded dosages.
        Assert.Equal("active", plans.Single(p => p.Source == "MedicationRequest/medrx0311#1").Status);
        Assert.Equal("as-needed", plans.Single(p => p.Source == "MedicationRequest/medrx0310#1").Status);
        Assert.Equal(3, plans.Count(p => p.Source.StartsWith("MedicationRequest/medrx0303#", StringComparison.Ordinal)));
        // Completed and on-hold requests never become plans.
        Assert.DoesNotContain(plans, p => p.Source.StartsWith("MedicationRequest/medrx0304#", StringComparison.Ordinal));
        Assert.All(plans.Where(p => p.Status == "unsupported"), p => Assert.False(string.IsNullOrEmpty(p.Problem)));

        // medrx0309: every other day from 22 January 2016 (the narrative says something else).
        var reminders = await clinician.GetRemindersAsync(pat1.Id,
            new DateTimeOffset(2016, 1, 22, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2016, 1, 28, 0, 0, 0, TimeSpan.Zero));
        var plan0309 = plans.Single(p => p.Source == "MedicationRequest/medrx0309#1").Id;
        Assert.Equal(["2016-01-22", "2016-01-24", "2016-01-26"],
            reminders.Reminders.Where(r => r.PlanId == plan0309).Select(r => r.DueLocal.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Only_administrators_import_and_bad_bodies_get_a_problem()
    {
        await using var factory = new VigilServerFactory(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now), PatientScenario.Settings());
        var (admin, _) = await factory.AdminAsync();
        var (clinician, _) = await factory.UserAsync("dr", VigilRoles.Clinician);
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => clinician.ImportFhirAsync(Encoding.UTF8.GetBytes(PatientScenario.PatientResource())));
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.Status);
        var empty = await Assert.ThrowsAsync<VigilApiException>(() => admin.ImportFhirAsync([]));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, empty.Status);
    }
}
