using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Reminders;
using Vigil.Testing;

namespace Vigil.Server.Tests.Patients;

/// <summary>
/// A server on a fake clock with one imported patient (FHIR), a clinician, and optionally the patient's account and
/// consents. The scheduler's background loop is off: tests drive passes with <see cref="RunSchedulerAsync"/>.
/// </summary>
internal sealed class PatientScenario : IAsyncDisposable
{
    public const string PatientFhirId = "p-anna";
    public const string MedicationFhirId = "mr-metformin";

    private PatientScenario(VigilServerFactory factory) => Factory = factory;

    public VigilServerFactory Factory { get; }

    public FakeTimeProvider Time => Factory.Time!;

    public VigilClient Admin { get; private set; } = null!;

    public VigilClient Clinician { get; private set; } = null!;

    public UserDto ClinicianUser { get; private set; } = null!;

    public VigilClient? Patient { get; private set; }

    public Guid PatientId { get; private set; }

    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Vigil:Patients:SchedulerEnabled"] = "false",
            ["Vigil:Safety:MonitorEnabled"] = "false",
            ["Vigil:Webhooks:DispatcherEnabled"] = "false",
            // Days pass on the fake clock in these tests; sessions must outlive them.
            ["Vigil:Sessions:IdleTimeout"] = "1.00:00:00",
            ["Vigil:Sessions:AccessTokenLifetime"] = "1.00:00:00",
            ["Vigil:Sessions:MaximumLifetime"] = "30.00:00:00",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>Timing JSON of a daily 08:00 dose, for <see cref="MedicationRequest"/>.</summary>
    public const string DailyAtEight = """{"repeat":{"frequency":1,"period":1,"periodUnit":"d","timeOfDay":["08:00:00"]}}""";

    public static string PatientResource(string timeZone = "Europe/Berlin", string id = PatientFhirId) =>
        $$"""{"resourceType":"Patient","id":"{{id}}","name":[{"family":"Schmidt","given":["Anna"]}],"birthDate":"1961-04-02","gender":"female","identifier":[{"system":"urn:oid:1.2.276.0.76.4.8","value":"A123456789"}],"telecom":[{"system":"phone","value":"+49 30 1234567"}],"communication":[{"language":{"coding":[{"system":"urn:ietf:bcp:47","code":"de-DE"}]},"preferred":true}],"contact":[{"relationship":[{"text":"husband"}],"name":{"family":"Quandt","given":["Wenzeslaus"]} }],"extension":[{"url":"http://hl7.org/fhir/StructureDefinition/timezone","valueCode":"{{timeZone}}"}]}""";

    public static string MedicationRequest(string timing = DailyAtEight, string status = "active", string id = MedicationFhirId, string patient = PatientFhirId, string authoredOn = "2026-03-01") =>
        $$"""{"resourceType":"MedicationRequest","id":"{{id}}","status":"{{status}}","intent":"order","medicationCodeableConcept":{"text":"Metformin 500 mg tablet"},"subject":{"reference":"Patient/{{patient}}"},"authoredOn":"{{authoredOn}}","dosageInstruction":[{"text":"1 tablet","timing":{{timing}}}]}""";

    public static async Task<PatientScenario> StartAsync(
        DateTimeOffset now, bool withAccount = true, bool consent = true, string timing = DailyAtEight, string timeZone = "Europe/Berlin",
        IDictionary<string, string?>? settings = null)
    {
        var scenario = new PatientScenario(new VigilServerFactory(new FakeTimeProvider(now), Settings(settings)));
        (scenario.Admin, _) = await scenario.Factory.AdminAsync();
        (scenario.Clinician, scenario.ClinicianUser) = await scenario.Factory.UserAsync("dr-weber", VigilRoles.Clinician);
        var report = await scenario.ImportAsync(PatientResource(timeZone), MedicationRequest(timing));
        Assert.Equal(0, report.Failed);
        scenario.PatientId = (await scenario.Clinician.ListPatientsAsync()).Single(p => p.FhirId == PatientFhirId).Id;
        if (withAccount)
        {
            await scenario.CreateAccountAsync();
            if (consent)
            {
                await scenario.Patient!.SetConsentAsync(scenario.PatientId, new ConsentRequest(Messaging: true, Reminders: true));
            }
        }

        return scenario;
    }

    public Task<FhirImportReportDto> ImportAsync(params string[] resources) =>
        Admin.ImportFhirAsync(Encoding.UTF8.GetBytes(string.Join('\n', resources)));

    public async Task CreateAccountAsync()
    {
        var invitation = await Clinician.InvitePatientAsync(PatientId);
        var client = Factory.CreateVigilClient();
        await client.AcceptPatientInvitationAsync(new AcceptInvitationRequest(invitation.Code, "anna", VigilServerFactory.UserPassword, "anna@example.org"));
        await client.SignInAsync("anna", VigilServerFactory.UserPassword);
        Patient = client;
    }

    public ReminderScheduler Scheduler => Factory.Services.GetRequiredService<ReminderScheduler>();

    public Task<SchedulerPass> RunSchedulerAsync() => Scheduler.RunOnceAsync(CancellationToken.None);

    /// <summary>
    /// Moves the clock to <paramref name="at"/> and runs a scheduler pass there. People sign in again after the jump,
    /// as they would after the idle log-off that a day without activity causes.
    /// </summary>
    public async Task<SchedulerPass> AtAsync(DateTimeOffset at)
    {
        Time.SetUtcNow(at);
        var pass = await RunSchedulerAsync();
        await Clinician.SignInAsync(ClinicianUser.Username, VigilServerFactory.UserPassword);
        await Admin.SignInAsync("admin", VigilServerFactory.AdminPassword);
        if (Patient is not null)
        {
            await Patient.SignInAsync("anna", VigilServerFactory.UserPassword);
        }

        return pass;
    }

    public async Task<IReadOnlyList<MessageDto>> PatientMessagesAsync()
    {
        var patient = await Patient!.GetPatientAsync(PatientId);
        return await Patient.GetMessagesAsync(patient.ConversationId!.Value);
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        Clinician.Dispose();
        Patient?.Dispose();
        await Factory.DisposeAsync();
    }
}
