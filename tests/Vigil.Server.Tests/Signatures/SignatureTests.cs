using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Server.Tests.Signatures;

public sealed class SignatureTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private HttpClient _aliceHttp = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice", VigilRoles.Researcher);
        var (_, bob) = await _factory.UserAsync("bob");
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Group, [bob.Id], "Protocol 12"));
        _aliceHttp = await _factory.RawClientAsync(_alice);
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_signature_binds_name_time_meaning_and_the_signed_version()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Protocol amendment 3 approved for site 12");

        var response = await _aliceHttp.PostAsJsonAsync($"/api/v1/messages/{sent.Id}/signatures",
            new SignMessageRequest(SignatureMeanings.Approved, VigilServerFactory.UserPassword, Version: 1));
        var signature = (await response.Content.ReadFromJsonAsync<SignatureDto>())!;
        await _alice.EditMessageAsync(sent.Id, "Protocol amendment 3 approved for sites 12 and 14", "Site 14 added");
        var listed = Assert.Single((await _aliceHttp.GetFromJsonAsync<List<SignatureDto>>($"/api/v1/messages/{sent.Id}/signatures"))!);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("User alice", signature.SignerName);
        Assert.Equal(SignatureMeanings.Approved, signature.Meaning);
        Assert.Equal(1, signature.Version);
        Assert.Contains("Signed by User alice", signature.Manifestation, StringComparison.Ordinal);
        Assert.True(signature.AppliesToCurrentVersion);
        Assert.Equal(1, listed.Version);
        Assert.False(listed.AppliesToCurrentVersion);
        var shownWithRecord = Assert.Single(Assert.Single(await _alice.GetMessagesAsync(_conversation.Id)).Signatures!);
        Assert.Equal(signature.Id, shownWithRecord.Id);
        Assert.False(shownWithRecord.AppliesToCurrentVersion);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_recorded()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Sign me");

        var response = await _aliceHttp.PostAsJsonAsync($"/api/v1/messages/{sent.Id}/signatures",
            new SignMessageRequest(SignatureMeanings.Reviewed, "Not-my-passw0rd"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var (auditor, _) = await _factory.UserAsync("auditor", VigilRoles.ComplianceOfficer);
        var auditorHttp = await _factory.RawClientAsync(auditor);
        var failures = await auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.SignatureFailed}");
        Assert.Equal("password", Assert.Single(failures!).GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_enrolled_second_factor_is_required_to_sign()
    {
        var enrollment = await _alice.EnrollTotpAsync();
        var totp = new Totp(Base32Encoding.ToBytes(enrollment.SharedKey));
        await _alice.VerifyTotpAsync(totp.ComputeTotp());
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Batch record reviewed");
        var path = $"/api/v1/messages/{sent.Id}/signatures";

        var withoutCode = await _aliceHttp.PostAsJsonAsync(path, new SignMessageRequest(SignatureMeanings.Reviewed, VigilServerFactory.UserPassword));
        var withCode = await _aliceHttp.PostAsJsonAsync(path, new SignMessageRequest(SignatureMeanings.Reviewed, VigilServerFactory.UserPassword, totp.ComputeTotp()));

        Assert.Equal(HttpStatusCode.Unauthorized, withoutCode.StatusCode);
        Assert.Equal(HttpStatusCode.Created, withCode.StatusCode);
    }

    [Fact]
    public async Task Signing_a_version_that_is_no_longer_current_is_refused()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Draft");
        await _alice.EditMessageAsync(sent.Id, "Final", "Finalised");

        var response = await _aliceHttp.PostAsJsonAsync($"/api/v1/messages/{sent.Id}/signatures",
            new SignMessageRequest(SignatureMeanings.Approved, VigilServerFactory.UserPassword, Version: 1));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_meaning_is_a_400()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "x");

        var response = await _aliceHttp.PostAsJsonAsync($"/api/v1/messages/{sent.Id}/signatures",
            new SignMessageRequest("because", VigilServerFactory.UserPassword));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_non_member_cannot_sign()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "members only");
        var (mallory, _) = await _factory.UserAsync("mallory");
        var malloryHttp = await _factory.RawClientAsync(mallory);

        var response = await malloryHttp.PostAsJsonAsync($"/api/v1/messages/{sent.Id}/signatures",
            new SignMessageRequest(SignatureMeanings.Reviewed, VigilServerFactory.UserPassword));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task An_attachment_can_be_signed_by_a_member()
    {
        var uploaded = await _alice.UploadAttachmentAsync(_conversation.Id, new MemoryStream("Batch 42 release certificate"u8.ToArray()), "cert.txt", "text/plain");
        await _alice.SendMessageAsync(_conversation.Id, "Certificate", attachmentIds: [uploaded.Id]);

        var signature = await _alice.SignAttachmentAsync(uploaded.Id, SignatureMeanings.Approved, VigilServerFactory.UserPassword);
        var listed = await _aliceHttp.GetFromJsonAsync<List<SignatureDto>>($"/api/v1/attachments/{uploaded.Id}/signatures");

        Assert.Equal(uploaded.Id, signature.AttachmentId);
        Assert.Null(signature.MessageId);
        Assert.Equal(signature.Id, Assert.Single(listed!).Id);
    }
}
