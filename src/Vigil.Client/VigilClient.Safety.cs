using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>The pharmacovigilance triage queue (SafetyOfficers) and the PHI guard.</summary>
public sealed partial class VigilClient
{
    public Task<IReadOnlyList<SafetyCaseDto>> ListSafetyCasesAsync(string? status = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<SafetyCaseDto>>(HttpMethod.Get, status is null ? "api/v1/safety/cases" : $"api/v1/safety/cases?status={Uri.EscapeDataString(status)}",
            null, authenticate: true, cancellationToken);

    public Task<SafetyCaseDto> GetSafetyCaseAsync(Guid caseId, CancellationToken cancellationToken = default) =>
        SendAsync<SafetyCaseDto>(HttpMethod.Get, $"api/v1/safety/cases/{caseId}", null, authenticate: true, cancellationToken);

    public Task<SafetyCaseDto> UpdateSafetyCaseAsync(Guid caseId, UpdateSafetyCaseRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SafetyCaseDto>(HttpMethod.Patch, $"api/v1/safety/cases/{caseId}", request, authenticate: true, cancellationToken);

    /// <summary>The case as an ICH E2B(R3) ICSR, HL7 v3 XML.</summary>
    public Task<string> ExportSafetyCaseE2bAsync(Guid caseId, CancellationToken cancellationToken = default) =>
        SendAsync<string>(HttpMethod.Get, $"api/v1/safety/cases/{caseId}/e2b", null, authenticate: true, cancellationToken);

    /// <summary>The case as a human-readable HTML page.</summary>
    public Task<string> GetSafetyCaseSummaryAsync(Guid caseId, CancellationToken cancellationToken = default) =>
        SendAsync<string>(HttpMethod.Get, $"api/v1/safety/cases/{caseId}/summary", null, authenticate: true, cancellationToken);

    public Task<SafetyCaseDto> RaiseSafetyCaseAsync(RaiseSafetyCaseRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SafetyCaseDto>(HttpMethod.Post, "api/v1/safety/cases", request, authenticate: true, cancellationToken);

    public Task SetSafetyMonitoringAsync(Guid conversationId, bool monitored, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/v1/conversations/{conversationId}/safety-monitoring", new SafetyMonitoringRequest(monitored), authenticate: true, cancellationToken);

    /// <summary>Checks a draft before sending it to the conversation: what identifying information it carries, if the conversation is not cleared for PHI.</summary>
    public Task<PhiCheckDto> CheckPhiAsync(Guid conversationId, string body, CancellationToken cancellationToken = default) =>
        SendAsync<PhiCheckDto>(HttpMethod.Post, $"api/v1/conversations/{conversationId}/phi-check", new PhiCheckRequest(body), authenticate: true, cancellationToken);

    public Task ClassifyConversationAsync(Guid conversationId, bool phiAllowed, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/v1/conversations/{conversationId}/classification", new ConversationClassificationRequest(phiAllowed), authenticate: true, cancellationToken);

    public Task<IReadOnlyList<PhiFlagDto>> ListPhiFlagsAsync(bool unreviewedOnly = false, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PhiFlagDto>>(HttpMethod.Get, $"api/v1/compliance/phi-flags?unreviewed={(unreviewedOnly ? "true" : "false")}", null, authenticate: true, cancellationToken);

    public Task<PhiFlagDto> ReviewPhiFlagAsync(Guid flagId, CancellationToken cancellationToken = default) =>
        SendAsync<PhiFlagDto>(HttpMethod.Post, $"api/v1/compliance/phi-flags/{flagId}/review", null, authenticate: true, cancellationToken);

    public Task<WebhookCreatedDto> CreateWebhookAsync(CreateWebhookRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<WebhookCreatedDto>(HttpMethod.Post, "api/v1/webhooks", request, authenticate: true, cancellationToken);

    public Task<IReadOnlyList<WebhookDto>> ListWebhooksAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<WebhookDto>>(HttpMethod.Get, "api/v1/webhooks", null, authenticate: true, cancellationToken);

    public Task<IncomingWebhookCreatedDto> CreateIncomingWebhookAsync(CreateIncomingWebhookRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<IncomingWebhookCreatedDto>(HttpMethod.Post, "api/v1/webhooks/incoming", request, authenticate: true, cancellationToken);

    /// <summary>A bot account with a scoped API token (administrators); use the token with <see cref="UseBotToken"/>.</summary>
    public Task<BotCreatedDto> CreateBotAsync(CreateBotRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<BotCreatedDto>(HttpMethod.Post, "api/v1/bots", request, authenticate: true, cancellationToken);

    /// <summary>Acts as a bot: its token does not expire and is never refreshed (an administrator revokes it).</summary>
    public void UseBotToken(string token) => Remember(new TokenResponse(token, "", (int)TimeSpan.FromDays(3650).TotalSeconds));
}
