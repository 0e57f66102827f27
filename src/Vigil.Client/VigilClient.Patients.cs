using System.Globalization;
using System.Net.Http.Headers;
using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>Patients, reminders, adherence and FHIR.</summary>
public sealed partial class VigilClient
{
    public Task<IReadOnlyList<PatientDto>> ListPatientsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PatientDto>>(HttpMethod.Get, "api/v1/patients", null, authenticate: true, cancellationToken);

    public Task<PatientDto> GetPatientAsync(Guid patientId, CancellationToken cancellationToken = default) =>
        SendAsync<PatientDto>(HttpMethod.Get, $"api/v1/patients/{patientId}", null, authenticate: true, cancellationToken);

    public Task<ConsentDto> GetConsentAsync(Guid patientId, CancellationToken cancellationToken = default) =>
        SendAsync<ConsentDto>(HttpMethod.Get, $"api/v1/patients/{patientId}/consent", null, authenticate: true, cancellationToken);

    public Task<ConsentDto> SetConsentAsync(Guid patientId, ConsentRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ConsentDto>(HttpMethod.Put, $"api/v1/patients/{patientId}/consent", request, authenticate: true, cancellationToken);

    public Task SetPatientPreferencesAsync(Guid patientId, PatientPreferencesRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/v1/patients/{patientId}/preferences", request, authenticate: true, cancellationToken);

    public Task<IReadOnlyList<ReminderPlanDto>> GetReminderPlansAsync(Guid patientId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ReminderPlanDto>>(HttpMethod.Get, $"api/v1/patients/{patientId}/plans", null, authenticate: true, cancellationToken);

    public Task<ReminderPlanDto> ShiftDoseTimeAsync(Guid patientId, Guid planId, TimeShiftRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ReminderPlanDto>(HttpMethod.Put, $"api/v1/patients/{patientId}/plans/{planId}/time-shifts", request, authenticate: true, cancellationToken);

    public Task<PatientRemindersDto> GetRemindersAsync(Guid patientId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        SendAsync<PatientRemindersDto>(HttpMethod.Get,
            $"api/v1/patients/{patientId}/reminders?from={Uri.EscapeDataString(from.ToString("o", CultureInfo.InvariantCulture))}&to={Uri.EscapeDataString(to.ToString("o", CultureInfo.InvariantCulture))}",
            null, authenticate: true, cancellationToken);

    public Task<AdherenceDto> GetAdherenceAsync(Guid patientId, CancellationToken cancellationToken = default) =>
        SendAsync<AdherenceDto>(HttpMethod.Get, $"api/v1/patients/{patientId}/adherence", null, authenticate: true, cancellationToken);

    public Task<PatientInvitationDto> InvitePatientAsync(Guid patientId, CancellationToken cancellationToken = default) =>
        SendAsync<PatientInvitationDto>(HttpMethod.Post, $"api/v1/patients/{patientId}/invitations", null, authenticate: true, cancellationToken);

    public Task<PatientDto> AcceptPatientInvitationAsync(AcceptInvitationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<PatientDto>(HttpMethod.Post, "api/v1/patient-invitations/accept", request, authenticate: false, cancellationToken);

    public Task<ReminderResponseDto> AnswerReminderAsync(Guid reminderId, string action, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync<ReminderResponseDto>(HttpMethod.Post, $"api/v1/reminders/{reminderId}/responses", new ReminderResponseRequest(action, reason), authenticate: true, cancellationToken);

    /// <summary>Imports FHIR R4 NDJSON or a Bundle (administrators).</summary>
    public async Task<FhirImportReportDto> ImportFhirAsync(byte[] content, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/fhir/import") { Content = new ByteArrayContent(content) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
        return await SendRequestAsync<FhirImportReportDto>(request, authenticate: true, cancellationToken).ConfigureAwait(false);
    }

    public Task<FhirClientDto> CreateFhirClientAsync(CreateFhirClientRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<FhirClientDto>(HttpMethod.Post, "api/v1/fhir/clients", request, authenticate: true, cancellationToken);

    /// <summary>A FHIR API read (<c>fhir/Communication?subject=Patient/…</c>), as the FHIR JSON text.</summary>
    public Task<string> GetFhirAsync(string relativeUrl, CancellationToken cancellationToken = default) =>
        SendAsync<string>(HttpMethod.Get, relativeUrl, null, authenticate: true, cancellationToken);
}
