using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Ledger;
using Vigil.Server.Ledger;
using Vigil.Testing;

namespace Vigil.Server.Tests.Ledger;

public sealed class LedgerApiTests : IAsyncLifetime
{
    private readonly VigilServerFactory _factory = new();
    private VigilClient _alice = null!;
    private VigilClient _auditor = null!;
    private HttpClient _auditorHttp = null!;
    private ConversationDto _conversation = null!;

    public async Task InitializeAsync()
    {
        (_alice, _) = await _factory.UserAsync("alice");
        var (_, bob) = await _factory.UserAsync("bob");
        (_auditor, _) = await _factory.UserAsync("auditor", VigilRoles.ComplianceOfficer);
        _auditorHttp = await _factory.RawClientAsync(_auditor);
        _conversation = await _alice.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Direct, [bob.Id]));
    }

    public async Task DisposeAsync()
    {
        _alice.Dispose();
        _auditor.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Sends_edits_and_deletes_are_in_the_ledger_without_their_text()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Patient 7 reports nausea");
        await _alice.EditMessageAsync(sent.Id, "Patient 7 reports mild nausea", "More precise");
        await _alice.DeleteMessageAsync(sent.Id, "Duplicate of the AE form");

        var entries = (await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?target=message/{sent.Id}"))!;

        Assert.Equal([LedgerActions.MessageCreated, LedgerActions.MessageEdited, LedgerActions.MessageDeleted],
            entries.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("More precise", entries[1].GetProperty("reason").GetString());
        Assert.All(entries, e => Assert.Equal(64, e.GetProperty("commitment").GetString()!.Length));
        Assert.DoesNotContain(entries, e => e.GetRawText().Contains("nausea", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sign_ins_and_failures_are_recorded()
    {
        using var wrong = _factory.CreateVigilClient();
        await Assert.ThrowsAsync<VigilApiException>(() => wrong.SignInAsync("alice", "Wr0ng-password!"));

        var failures = await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.SignInFailed}");
        var signIns = await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.SignIn}");

        Assert.Equal("password", Assert.Single(failures!).GetProperty("reason").GetString());
        Assert.True(signIns!.Length >= 3);
    }

    [Fact]
    public async Task A_signed_checkpoint_and_an_inclusion_proof_verify_with_the_published_key()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Checkpoint me");
        await _factory.Services.GetRequiredService<LedgerCheckpointService>().CheckpointAsync(force: true, CancellationToken.None);
        var created = Assert.Single((await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?target=message/{sent.Id}"))!);

        var checkpoint = await _auditorHttp.GetFromJsonAsync<JsonElement>("/api/v1/ledger/checkpoint");
        var size = checkpoint.GetProperty("treeSize").GetInt64();
        var root = Convert.FromBase64String(checkpoint.GetProperty("rootHash").GetString()!);
        var signed = new LedgerCheckpoint(size, root, checkpoint.GetProperty("issuedAt").GetDateTimeOffset());
        var sequence = created.GetProperty("sequence").GetInt64();
        var proof = await _auditorHttp.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/entries/{sequence}/proof?treeSize={size}");

        Assert.True(signed.Verify(Convert.FromBase64String(checkpoint.GetProperty("signature").GetString()!), checkpoint.GetProperty("publicKeyPem").GetString()!));
        var leaf = Convert.FromHexString(created.GetProperty("leafHash").GetString()!);
        var path = proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
        Assert.True(MerkleProofVerifier.VerifyInclusion(leaf, sequence, size, path, root));
    }

    [Fact]
    public async Task Consistency_proofs_link_an_old_checkpoint_to_a_new_one()
    {
        var checkpoints = _factory.Services.GetRequiredService<LedgerCheckpointService>();
        var first = await checkpoints.CheckpointAsync(force: true, CancellationToken.None);
        await _alice.SendMessageAsync(_conversation.Id, "more");
        var second = await checkpoints.CheckpointAsync(force: true, CancellationToken.None);

        var proof = await _auditorHttp.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/consistency?first={first!.TreeSize}&second={second!.TreeSize}");

        Assert.True(MerkleProofVerifier.VerifyConsistency(first.TreeSize, second.TreeSize,
            Convert.FromBase64String(first.RootHash), Convert.FromBase64String(second.RootHash),
            [.. proof.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!))]));
    }

    [Fact]
    public async Task Only_compliance_and_administrators_read_the_ledger()
    {
        var aliceHttp = await _factory.RawClientAsync(_alice);

        Assert.Equal(HttpStatusCode.Forbidden, (await aliceHttp.GetAsync("/api/v1/ledger/entries")).StatusCode);
    }

    [Fact]
    public async Task Role_changes_keep_the_previous_and_the_new_value()
    {
        var (admin, _) = await _factory.AdminAsync();
        var (_, carol) = await _factory.UserAsync("carol", VigilRoles.Researcher);

        await admin.SetRolesAsync(carol.Id, [VigilRoles.Researcher, VigilRoles.SafetyOfficer]);

        var change = Assert.Single((await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.UserRolesChanged}"))!);
        Assert.Equal("from=Researcher;to=Researcher,SafetyOfficer", change.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Bad_proof_parameters_are_a_400()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await _auditorHttp.GetAsync("/api/v1/ledger/consistency?first=5&second=2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _auditorHttp.GetAsync("/api/v1/ledger/entries/999999/proof")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _auditorHttp.GetAsync("/api/v1/ledger/entries?limit=0")).StatusCode);
    }

    [Fact]
    public async Task Every_read_of_a_patient_conversation_is_logged_and_other_reads_are_not()
    {
        var (clinician, clinicianUser) = await _factory.UserAsync("drkim", VigilRoles.Clinician);
        var (_, patient) = await _factory.UserAsync("patient9", VigilRoles.Patient);
        var care = await clinician.CreateConversationAsync(new CreateConversationRequest(ConversationKinds.Patient, [patient.Id]));
        var sent = await clinician.SendMessageAsync(care.Id, "Lab results are in");
        await _alice.SendMessageAsync(_conversation.Id, "not patient data");

        await clinician.GetMessagesAsync(care.Id);
        await clinician.GetMessageHistoryAsync(sent.Id);
        await _alice.GetMessagesAsync(_conversation.Id);

        var reads = (await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.PatientDataRead}"))!;
        Assert.Equal(2, reads.Length);
        Assert.All(reads, r => Assert.Equal(clinicianUser.Id, r.GetProperty("actorId").GetGuid()));
        Assert.All(reads, r => Assert.Equal($"conversation/{care.Id:D}", r.GetProperty("target").GetString()));
        Assert.Contains("history", reads[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_json_export_carries_proofs_that_verify_against_its_checkpoint_and_is_itself_ledgered()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Export me");
        await _factory.Services.GetRequiredService<LedgerCheckpointService>().CheckpointAsync(force: true, CancellationToken.None);

        var export = await _auditorHttp.GetFromJsonAsync<JsonElement>($"/api/v1/ledger/export?format=json&target=message/{sent.Id}");

        var checkpoint = export.GetProperty("checkpoint");
        var size = checkpoint.GetProperty("treeSize").GetInt64();
        var root = Convert.FromBase64String(checkpoint.GetProperty("rootHash").GetString()!);
        var entry = Assert.Single(export.GetProperty("entries").EnumerateArray());
        var proof = entry.GetProperty("proof").EnumerateArray().Select(p => Convert.FromBase64String(p.GetString()!)).ToList();
        Assert.True(MerkleProofVerifier.VerifyInclusion(Convert.FromHexString(entry.GetProperty("leafHash").GetString()!),
            entry.GetProperty("sequence").GetInt64(), size, proof, root));
        var exports = await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.LedgerExported}");
        Assert.Contains("rows=1", Assert.Single(exports!).GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_csv_export_quotes_fields_and_neutralises_formulas()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "x");
        await _alice.EditMessageAsync(sent.Id, "y", "=HYPERLINK(\"http://evil\"), really");
        await _factory.Services.GetRequiredService<LedgerCheckpointService>().CheckpointAsync(force: true, CancellationToken.None);

        var response = await _auditorHttp.GetAsync($"/api/v1/ledger/export?format=csv&action={LedgerActions.MessageEdited}");
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\"), really\"", csv, StringComparison.Ordinal);
        Assert.StartsWith("# checkpoint treeSize=", csv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compliance_officers_see_previous_and_new_values_beside_each_change()
    {
        var sent = await _alice.SendMessageAsync(_conversation.Id, "Dose: 10 mg");
        await _alice.EditMessageAsync(sent.Id, "Dose: 5 mg", "Corrected");

        var rows = (await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?target=message/{sent.Id}&values=true"))!;

        Assert.Equal("Dose: 10 mg", rows[0].GetProperty("newValue").GetString());
        Assert.Equal("Dose: 10 mg", rows[1].GetProperty("previousValue").GetString());
        Assert.Equal("Dose: 5 mg", rows[1].GetProperty("newValue").GetString());
        var (admin, _) = await _factory.AdminAsync();
        var adminHttp = await _factory.RawClientAsync(admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await adminHttp.GetAsync($"/api/v1/ledger/entries?values=true")).StatusCode);
    }

    [Fact]
    public async Task The_effective_configuration_and_token_refreshes_are_recorded()
    {
        var http = _factory.CreateClient();
        var tokens = await (await http.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest("alice", VigilServerFactory.UserPassword)))
            .Content.ReadFromJsonAsync<TokenResponse>();
        await http.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshTokenRequest(tokens!.RefreshToken));

        var config = Assert.Single((await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.ConfigurationApplied}"))!);
        var refreshes = (await _auditorHttp.GetFromJsonAsync<JsonElement[]>($"/api/v1/ledger/entries?action={LedgerActions.TokenRefreshed}"))!;

        Assert.Contains("\"MaxBodyLength\":16000", config.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("\"CacheLifetime\":\"00:00:30\"", config.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Single(refreshes);
    }
}
