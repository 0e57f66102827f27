using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Fhir.Resources;
using Vigil.Server.Tests.Patients;
using Task = System.Threading.Tasks.Task;

namespace Vigil.Server.Tests.Fhir;

public sealed class FhirExportTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A conversation with a reminder, a clinician's message and the patient's reply to it.</summary>
    private static async Task<PatientScenario> ConversationAsync()
    {
        var scenario = await PatientScenario.StartAsync(Start);
        await scenario.AtAsync(new DateTimeOffset(2026, 3, 28, 7, 0, 0, TimeSpan.Zero));
        var conversationId = (await scenario.Patient!.GetPatientAsync(scenario.PatientId)).ConversationId!.Value;
        var question = await scenario.Clinician.SendMessageAsync(conversationId, "How are you feeling on the new dose?");
        await scenario.Patient.SendMessageAsync(conversationId, "Much better, thank you.", replyToId: question.Id);
        return scenario;
    }

    private static T Parse<T>(string json)
        where T : Resource => Assert.IsType<T>(FhirJson.ParseResource(json));

    [Fact]
    public async Task Communication_search_returns_the_conversation_as_valid_R4_with_threads_and_reminders()
    {
        await using var scenario = await ConversationAsync();

        var bundle = Parse<Bundle>(await scenario.Clinician.GetFhirAsync($"fhir/Communication?subject=Patient/{PatientScenario.PatientFhirId}"));

        Assert.Equal(Bundle.BundleType.Searchset, bundle.Type);
        var communications = bundle.Entry.Select(e => Assert.IsType<Communication>(e.Resource)).ToList();
        Assert.Equal(3, communications.Count);
        Assert.All(communications, c => Assert.Equal($"Patient/{PatientScenario.PatientFhirId}", c.Subject!.Reference));
        var reminder = communications[0];
        Assert.Contains("Metformin", ((FhirString)reminder.Payload[0].Content).Value, StringComparison.Ordinal);
        Assert.StartsWith("CommunicationRequest/", reminder.BasedOn.Single().Reference, StringComparison.Ordinal);
        var reply = communications[2];
        Assert.Equal($"Patient/{PatientScenario.PatientFhirId}", reply.Sender!.Reference);
        Assert.Equal($"Communication/{communications[1].Id}", reply.InResponseTo.Single().Reference);
        Assert.Equal("User dr-weber", communications[1].Sender!.Display);
        Assert.NotNull(reply.Sent);

        var requests = Parse<Bundle>(await scenario.Clinician.GetFhirAsync($"fhir/CommunicationRequest?subject=Patient/{scenario.PatientId}"));
        var sent = requests.Entry.Select(e => Assert.IsType<CommunicationRequest>(e.Resource)).First();
        Assert.Equal(RequestStatus.Completed, sent.Status);
        Assert.Equal($"CommunicationRequest/{sent.Id}", reminder.BasedOn.Single().Reference);
        Assert.Equal($"MedicationRequest/{PatientScenario.MedicationFhirId}", sent.About.Single().Reference);

        var consents = Parse<Bundle>(await scenario.Clinician.GetFhirAsync($"fhir/Consent?patient=Patient/{PatientScenario.PatientFhirId}"));
        Assert.Equal(2, consents.Entry.Count);
        Assert.All(consents.Entry, e => Assert.Equal(Consent.ConsentState.Active, Assert.IsType<Consent>(e.Resource).Status));
    }

    [Fact]
    public async Task An_EHR_client_token_reads_only_what_its_scopes_allow_and_nothing_outside_the_FHIR_API()
    {
        await using var scenario = await ConversationAsync();
        var client = await scenario.Admin.CreateFhirClientAsync(new CreateFhirClientRequest("Hospital EHR", ["system/Communication.read"]));
        Assert.StartsWith("vfc_", client.Token, StringComparison.Ordinal);
        using var ehr = scenario.Factory.CreateClient();
        ehr.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", client.Token);

        using var communications = await ehr.GetAsync(new Uri($"fhir/Communication?subject=Patient/{PatientScenario.PatientFhirId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, communications.StatusCode);
        Assert.Equal("application/fhir+json", communications.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, Parse<Bundle>(await communications.Content.ReadAsStringAsync()).Entry.Count);

        using var requests = await ehr.GetAsync(new Uri($"fhir/CommunicationRequest?subject=Patient/{PatientScenario.PatientFhirId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, requests.StatusCode);
        using var elsewhere = await ehr.GetAsync(new Uri("api/v1/users/me", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, elsewhere.StatusCode);
        using var patients = await ehr.GetAsync(new Uri("api/v1/patients", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, patients.StatusCode);

        using var anonymous = scenario.Factory.CreateClient();
        using var refused = await anonymous.GetAsync(new Uri($"fhir/Communication?subject=Patient/{PatientScenario.PatientFhirId}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        var badScope = await Assert.ThrowsAsync<VigilApiException>(() =>
            scenario.Admin.CreateFhirClientAsync(new CreateFhirClientRequest("x", ["patient/*.write"])));
        Assert.Equal(HttpStatusCode.BadRequest, badScope.Status);
    }

    [Fact]
    public async Task Capability_statement_is_public_and_valid()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, withAccount: false);
        using var anonymous = scenario.Factory.CreateClient();
        var statement = Parse<CapabilityStatement>(await anonymous.GetStringAsync(new Uri("fhir/metadata", UriKind.Relative)));
        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Equal(["Communication", "CommunicationRequest", "Consent"], statement.Rest[0].Resource.Select(r => r.Type));
    }

    [Fact]
    public async Task Searching_an_unknown_patient_or_without_a_subject_is_a_clear_error()
    {
        await using var scenario = await PatientScenario.StartAsync(Start, withAccount: false);
        var unknown = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Clinician.GetFhirAsync("fhir/Communication?subject=Patient/nobody"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        var missing = await Assert.ThrowsAsync<VigilApiException>(() => scenario.Clinician.GetFhirAsync("fhir/Communication"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
    }
}
