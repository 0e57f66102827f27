using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Server.Tests.Compliance;

public sealed class ErasureTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _clinician = null!;
    private VigilClient _compliance = null!;
    private UserDto _patient = null!;
    private ConversationDto _care = null!;

    public async Task InitializeAsync()
    {
        (_clinician, _) = await _factory.UserAsync("drlee", VigilRoles.Clinician);
        (_, _patient) = await _factory.UserAsync("patient7", VigilRoles.Patient);
        (_compliance, _) = await _factory.UserAsync("dpo", VigilRoles.ComplianceOfficer);
        _care = await _clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [_patient.Id]));
    }

    public async Task DisposeAsync()
    {
        _clinician.Dispose();
        _compliance.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Erasing_a_patient_makes_their_content_unreadable_and_the_ledger_still_verifies()
    {
        var sent = await _clinician.SendMessageAsync(_care.Id, "Your HbA1c is 7.9%, let us adjust metformin");
        await _clinician.EditMessageAsync(sent.Id, "Your HbA1c is 7.9%; we will adjust metformin", "Wording");
        var other = await _clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [_patient.Id]));
        await _clinician.SendMessageAsync(other.Id, "Appointment on Monday");

        await _compliance.EraseSubjectAsync(_patient.Id, "GDPR Art. 17 request #2026-114");

        var listed = Assert.Single(await _clinician.GetMessagesAsync(_care.Id));
        Assert.Null(listed.Body);
        Assert.True(listed.ContentErased);
        Assert.All((await _compliance.GetMessageHistoryAsync(sent.Id)).Versions, v => Assert.Null(v.Body));
        Assert.True(Assert.Single(await _clinician.GetMessagesAsync(other.Id)).ContentErased);
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _clinician.SendMessageAsync(_care.Id, "still there?"));
        Assert.Equal(HttpStatusCode.Gone, refused.Status);

        await using var scope = _factory.Services.CreateAsyncScope();
        var verification = await scope.ServiceProvider.GetRequiredService<LedgerVerifier>().VerifyAsync(
            scope.ServiceProvider.GetRequiredService<LedgerSigningKey>().PublicKeyPem, null, CancellationToken.None);
        Assert.True(verification.Holds, verification.FirstProblem);
        Assert.Equal(3, verification.ErasedVersions);
    }

    [Fact]
    public async Task Erasure_anonymises_the_profile_and_ends_sessions()
    {
        using var patientClient = _factory.CreateVigilClient();
        await patientClient.SignInAsync("patient7", VigilServerFactory.UserPassword);

        await _compliance.EraseSubjectAsync(_patient.Id, "GDPR request");

        var (admin, _) = await _factory.AdminAsync();
        var erased = (await admin.ListUsersAsync()).Single(u => u.Id == _patient.Id);
        Assert.Equal("Erased user", erased.DisplayName);
        Assert.DoesNotContain("patient7", erased.Username, StringComparison.Ordinal);
        Assert.True(erased.Disabled);
        await Assert.ThrowsAsync<VigilApiException>(() => patientClient.GetMeAsync());
    }

    [Fact]
    public async Task A_legal_hold_blocks_erasure_with_a_clear_error()
    {
        await _clinician.SendMessageAsync(_care.Id, "Keep this");
        await _compliance.SetLegalHoldAsync(_care.Id, true, "Litigation hold LH-19");

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _compliance.EraseSubjectAsync(_patient.Id, "GDPR request"));

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Contains("legal hold", refused.Detail, StringComparison.Ordinal);
        Assert.Equal("Keep this", Assert.Single(await _clinician.GetMessagesAsync(_care.Id)).Body);
    }

    [Fact]
    public async Task Only_compliance_officers_erase()
    {
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _clinician.EraseSubjectAsync(_patient.Id, "because"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task An_erasure_without_a_reason_is_refused()
    {
        var refused = await Assert.ThrowsAsync<VigilApiException>(() => _compliance.EraseSubjectAsync(_patient.Id, " "));

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
    }

    [Fact]
    public async Task Erasing_an_unknown_subject_is_a_404() =>
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAsync<VigilApiException>(() => _compliance.EraseSubjectAsync(Guid.NewGuid(), "x"))).Status);
}
