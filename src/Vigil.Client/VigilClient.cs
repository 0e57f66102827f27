using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Contracts;

namespace Vigil.Client;

/// <summary>
/// Typed access to Vigil's REST API. Keeps the session's tokens and refreshes the access token before it expires;
/// sends retry transient failures with the same client message id, so a retry never stores a message twice.
/// </summary>
public sealed partial class VigilClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _refreshLock = new(1, 1);
    private TokenResponse? _tokens;
    private DateTimeOffset _accessExpiresAt;

    /// <param name="baseAddress">The server, e.g. http://localhost:5080.</param>
    /// <param name="handler">A custom handler (tests pass an in-memory server's); the client does not dispose it.</param>
    public VigilClient(Uri baseAddress, HttpMessageHandler? handler = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        _http = handler is null ? new HttpClient(NewHandler()) : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = baseAddress;
        _http.Timeout = TimeSpan.FromSeconds(100);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// A client of a cluster of nodes behind no load balancer: requests and the hub go to the first node that
    /// answers, and move on to the next when it stops answering (a node killed, restarted, taken out for an update).
    /// </summary>
    /// <param name="nodes">Every node's address, e.g. http://vigil-a:5080 and http://vigil-b:5080.</param>
    public VigilClient(IReadOnlyList<Uri> nodes, TimeProvider? time = null)
    {
        Nodes = new ClusterNodes(nodes);
        _http = new HttpClient(new FailoverHandler(Nodes, NewHandler())) { BaseAddress = nodes[0], Timeout = TimeSpan.FromSeconds(100) };
        _time = time ?? TimeProvider.System;
    }

    /// <summary>
    /// One session needs few connections at once (browsers allow six per host); without a bound, a burst of requests
    /// (catch-up of every conversation after a reconnect) opens a socket each and can exhaust the process's files.
    /// In the browser (the web client) requests go through fetch, which has its own per-host limit.
    /// </summary>
    private static HttpMessageHandler NewHandler() => OperatingSystem.IsBrowser()
        ? new HttpClientHandler()
        : new SocketsHttpHandler { MaxConnectionsPerServer = 6 };

    /// <summary>The server, or with several nodes the one in use now.</summary>
    public Uri BaseAddress => Nodes?.Current ?? _http.BaseAddress!;

    internal ClusterNodes? Nodes { get; }

    /// <summary>How many times a send is retried after a transient failure (network, 5xx, timeout).</summary>
    public int SendRetries { get; set; } = 5;

    public bool IsSignedIn => _tokens is not null;

    /// <summary>
    /// Raised when the session's tokens change (sign-in, refresh, sign-out: null), so an app can keep them across a
    /// page reload. The tokens are secrets: keep them out of logs.
    /// </summary>
    public event Action<TokenResponse?>? TokensChanged;

    /// <summary>Whether setup is still open and the idle limit after which the server ends a session.</summary>
    public Task<ClientConfigDto> GetClientConfigAsync(CancellationToken cancellationToken = default) =>
        SendAsync<ClientConfigDto>(HttpMethod.Get, "api/v1/client-config", null, authenticate: false, cancellationToken);

    /// <summary>Who is online or away now among the people you share a conversation with (the hub announces changes).</summary>
    public Task<IReadOnlyList<PresenceDto>> GetPresenceAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<PresenceDto>>(HttpMethod.Get, "api/v1/presence", null, authenticate: true, cancellationToken);

    /// <summary>Colleagues' names (staff only), optionally filtered by part of a name.</summary>
    public Task<IReadOnlyList<UserSummaryDto>> GetDirectoryAsync(string? query = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<UserSummaryDto>>(HttpMethod.Get,
            string.IsNullOrWhiteSpace(query) ? "api/v1/users/directory" : $"api/v1/users/directory?q={Uri.EscapeDataString(query)}",
            null, authenticate: true, cancellationToken);

    // ---- identity ----

    public Task<UserDto> SetupAsync(CreateUserRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Post, "api/v1/setup", request, authenticate: false, cancellationToken);

    public async Task SignInAsync(string username, string password, string? totpCode = null, CancellationToken cancellationToken = default)
    {
        var tokens = await SendAsync<TokenResponse>(HttpMethod.Post, "api/v1/auth/token",
            new TokenRequest(username, password, totpCode), authenticate: false, cancellationToken).ConfigureAwait(false);
        Remember(tokens);
    }

    /// <summary>Uses tokens obtained elsewhere (for example by the CLI from a saved session).</summary>
    public void UseTokens(TokenResponse tokens) => Remember(tokens);

    /// <summary>Uses tokens saved earlier, with the time their access token expires (refreshed first if it has).</summary>
    public void UseTokens(TokenResponse tokens, DateTimeOffset accessExpiresAt)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        _tokens = tokens;
        _accessExpiresAt = accessExpiresAt;
    }

    /// <summary>When the current access token expires (meaningful while <see cref="IsSignedIn"/>).</summary>
    public DateTimeOffset AccessExpiresAt => _accessExpiresAt;

    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await SendAsync<object>(HttpMethod.Post, "api/v1/auth/logout", null, authenticate: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Forget();
        }
    }

    /// <summary>Drops the session's tokens locally (the server ends an idle session by itself).</summary>
    public void Forget()
    {
        _tokens = null;
        TokensChanged?.Invoke(null);
    }

    public async Task SignOutEverywhereAsync(CancellationToken cancellationToken = default)
    {
        await SendAsync<object>(HttpMethod.Post, "api/v1/auth/logout-all", null, authenticate: true, cancellationToken).ConfigureAwait(false);
        Forget();
    }

    public Task<TotpEnrollmentResponse> EnrollTotpAsync(CancellationToken cancellationToken = default) =>
        SendAsync<TotpEnrollmentResponse>(HttpMethod.Post, "api/v1/auth/totp/enrollment", null, authenticate: true, cancellationToken);

    public Task<RecoveryCodesResponse> VerifyTotpAsync(string code, CancellationToken cancellationToken = default) =>
        SendAsync<RecoveryCodesResponse>(HttpMethod.Post, "api/v1/auth/totp/verify", new TotpCodeRequest(code), authenticate: true, cancellationToken);

    public Task<UserDto> GetMeAsync(CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Get, "api/v1/users/me", null, authenticate: true, cancellationToken);

    public Task<UserDto> CreateUserAsync(CreateUserRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Post, "api/v1/users", request, authenticate: true, cancellationToken);

    public Task<IReadOnlyList<UserDto>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<UserDto>>(HttpMethod.Get, "api/v1/users", null, authenticate: true, cancellationToken);

    public Task<UserDto> SetRolesAsync(Guid userId, IReadOnlyList<string> roles, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Put, $"api/v1/users/{userId}/roles", new SetRolesRequest(roles), authenticate: true, cancellationToken);

    public Task<UserDto> DisableUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Post, $"api/v1/users/{userId}/disable", null, authenticate: true, cancellationToken);

    public Task<UserDto> EnableUserAsync(Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync<UserDto>(HttpMethod.Post, $"api/v1/users/{userId}/enable", null, authenticate: true, cancellationToken);

    // ---- compliance ----

    /// <summary>GDPR erasure (ComplianceOfficer): destroys the subject's keys; returns what was destroyed as JSON.</summary>
    public Task<System.Text.Json.JsonElement> EraseSubjectAsync(Guid subjectId, string reason, CancellationToken cancellationToken = default) =>
        SendAsync<System.Text.Json.JsonElement>(HttpMethod.Post, "api/v1/compliance/erasures", new ErasureRequest(subjectId, reason), authenticate: true, cancellationToken);

    public Task SetLegalHoldAsync(Guid subjectId, bool hold, string reason, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Put, $"api/v1/compliance/legal-holds/{subjectId}", new LegalHoldRequest(hold, reason), authenticate: true, cancellationToken);

    // ---- conversations ----

    public Task<ConversationDto> CreateConversationAsync(CreateConversationRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ConversationDto>(HttpMethod.Post, "api/v1/conversations", request, authenticate: true, cancellationToken);

    public Task<IReadOnlyList<ConversationDto>> ListConversationsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<ConversationDto>>(HttpMethod.Get, "api/v1/conversations", null, authenticate: true, cancellationToken);

    public Task<ConversationDto> GetConversationAsync(Guid conversationId, CancellationToken cancellationToken = default) =>
        SendAsync<ConversationDto>(HttpMethod.Get, $"api/v1/conversations/{conversationId}", null, authenticate: true, cancellationToken);

    public Task<ConversationDto> AddMemberAsync(Guid conversationId, Guid userId, string? role = null, CancellationToken cancellationToken = default) =>
        SendAsync<ConversationDto>(HttpMethod.Post, $"api/v1/conversations/{conversationId}/members",
            new AddMemberRequest(userId, role), authenticate: true, cancellationToken);

    /// <summary>Removes a member (or, for the caller's own id, leaves); the removed member's live delivery stops at once.</summary>
    public Task RemoveMemberAsync(Guid conversationId, Guid userId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, $"api/v1/conversations/{conversationId}/members/{userId}", null, authenticate: true, cancellationToken);

    public Task<ReadReceiptDto> MarkReadAsync(Guid conversationId, long sequence, CancellationToken cancellationToken = default) =>
        SendAsync<ReadReceiptDto>(HttpMethod.Post, $"api/v1/conversations/{conversationId}/read",
            new MarkReadRequest(sequence), authenticate: true, cancellationToken);

    // ---- messages ----

    /// <summary>Messages containing every word of <paramref name="query"/>, newest first, in the caller's conversations.</summary>
    public Task<IReadOnlyList<MessageDto>> SearchAsync(string query, int? limit = null, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<MessageDto>>(HttpMethod.Get,
            $"api/v1/search?q={Uri.EscapeDataString(query)}{(limit is { } l ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"&limit={l}") : "")}",
            null, authenticate: true, cancellationToken);

    /// <summary>
    /// Sends a message and returns it once durably stored. Transient failures are retried with the same
    /// <paramref name="clientMessageId"/> (a new one is made if none is given), so the message is stored once.
    /// </summary>
    public async Task<MessageDto> SendMessageAsync(
        Guid conversationId, string body, string? clientMessageId = null, Guid? replyToId = null,
        IReadOnlyList<Guid>? attachmentIds = null, CancellationToken cancellationToken = default, bool phiAcknowledged = false)
    {
        var request = new SendMessageRequest(clientMessageId ?? ClientMessageIds.New(), body, replyToId, attachmentIds, phiAcknowledged);
        return await RetryTransientAsync(
            ct => SendAsync<MessageDto>(HttpMethod.Post, $"api/v1/conversations/{conversationId}/messages", request, authenticate: true, ct),
            cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<MessageDto>> GetMessagesAsync(
        Guid conversationId, long? after = null, long? before = null, int? limit = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>(3);
        if (after is not null)
        {
            query.Add($"after={after}");
        }

        if (before is not null)
        {
            query.Add($"before={before}");
        }

        if (limit is not null)
        {
            query.Add($"limit={limit}");
        }

        var path = $"api/v1/conversations/{conversationId}/messages" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync<IReadOnlyList<MessageDto>>(HttpMethod.Get, path, null, authenticate: true, cancellationToken);
    }

    public Task<MessageDto> EditMessageAsync(Guid messageId, string body, string reason, CancellationToken cancellationToken = default) =>
        SendAsync<MessageDto>(HttpMethod.Patch, $"api/v1/messages/{messageId}", new EditMessageRequest(body, reason), authenticate: true, cancellationToken);

    public Task<MessageDto> DeleteMessageAsync(Guid messageId, string reason, CancellationToken cancellationToken = default) =>
        SendAsync<MessageDto>(HttpMethod.Delete, $"api/v1/messages/{messageId}", new DeleteMessageRequest(reason), authenticate: true, cancellationToken);

    /// <summary>Part 11 signature: re-enter the password (and TOTP code) for this act; <paramref name="version"/> guards against signing changed text.</summary>
    public Task<SignatureDto> SignMessageAsync(
        Guid messageId, string meaning, string password, string? totpCode = null, int? version = null, CancellationToken cancellationToken = default) =>
        SendAsync<SignatureDto>(HttpMethod.Post, $"api/v1/messages/{messageId}/signatures",
            new SignMessageRequest(meaning, password, totpCode, version), authenticate: true, cancellationToken);

    public Task<SignatureDto> SignAttachmentAsync(
        Guid attachmentId, string meaning, string password, string? totpCode = null, CancellationToken cancellationToken = default) =>
        SendAsync<SignatureDto>(HttpMethod.Post, $"api/v1/attachments/{attachmentId}/signatures",
            new SignMessageRequest(meaning, password, totpCode), authenticate: true, cancellationToken);

    public Task<IReadOnlyList<SignatureDto>> GetSignaturesAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<SignatureDto>>(HttpMethod.Get, $"api/v1/messages/{messageId}/signatures", null, authenticate: true, cancellationToken);

    public Task<MessageHistoryDto> GetMessageHistoryAsync(Guid messageId, CancellationToken cancellationToken = default) =>
        SendAsync<MessageHistoryDto>(HttpMethod.Get, $"api/v1/messages/{messageId}/history", null, authenticate: true, cancellationToken);

    public async Task<AttachmentDto> UploadAttachmentAsync(
        Guid conversationId, Stream content, string fileName, string contentType, CancellationToken cancellationToken = default)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/v1/conversations/{conversationId}/attachments") { Content = form };
        return await SendRequestAsync<AttachmentDto>(request, authenticate: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<byte[]> DownloadAttachmentAsync(Guid attachmentId, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/attachments/{attachmentId}");
        await AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A real-time connection that shares this client's session.</summary>
    public VigilChatConnection CreateChatConnection(ChatConnectionOptions? options = null) => new(this, options ?? new ChatConnectionOptions());

    /// <summary>The current access token, refreshed first if it is about to expire.</summary>
    public async Task<string?> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (_tokens is null)
        {
            return null;
        }

        if (_time.GetUtcNow() >= _accessExpiresAt - TimeSpan.FromSeconds(30))
        {
            await RefreshAsync(_tokens, cancellationToken).ConfigureAwait(false);
        }

        return _tokens?.AccessToken;
    }

    public void Dispose()
    {
        _http.Dispose();
        _refreshLock.Dispose();
    }

    internal async Task<T> RetryTransientAsync<T>(Func<CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        for (var tried = 0; ; tried++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (tried < SendRetries && IsTransient(exception, cancellationToken))
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * Math.Pow(2, tried)) * (0.5 + Random.Shared.NextDouble()));
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    internal static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        VigilApiException api => !api.IsClientError || api.Status == HttpStatusCode.RequestTimeout || (int)api.Status == 429,
        HttpRequestException or IOException => true,
        TaskCanceledException or TimeoutException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    private void Remember(TokenResponse tokens)
    {
        _tokens = tokens;
        _accessExpiresAt = _time.GetUtcNow() + TimeSpan.FromSeconds(tokens.ExpiresIn);
        TokensChanged?.Invoke(tokens);
    }

    private async Task RefreshAsync(TokenResponse stale, CancellationToken cancellationToken)
    {
        await _refreshLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!ReferenceEquals(_tokens, stale))
            {
                return;
            }

            var fresh = await SendAsync<TokenResponse>(HttpMethod.Post, "api/v1/auth/refresh",
                new RefreshTokenRequest(stale.RefreshToken), authenticate: false, cancellationToken).ConfigureAwait(false);
            Remember(fresh);
        }
        finally
        {
            _refreshLock.Release();
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, bool authenticate, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null)
            {
                request.Content = JsonContent.Create(body, body.GetType(), options: Json);
            }

            var session = _tokens;
            try
            {
                return await SendRequestAsync<T>(request, authenticate, cancellationToken).ConfigureAwait(false);
            }
            catch (VigilApiException refused) when (authenticate && attempt == 0 && refused.Status == HttpStatusCode.Unauthorized
                && _tokens is not null && !ReferenceEquals(session, _tokens))
            {
                // Another call refreshed the session while this one was on its way: the server retires the previous
                // access token at once, so the request goes again, once, with the new one.
            }
        }
    }

    private async Task<T> SendRequestAsync<T>(HttpRequestMessage request, bool authenticate, CancellationToken cancellationToken)
    {
        if (authenticate)
        {
            await AuthorizeAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await ThrowIfProblemAsync(response, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(object))
        {
            return default!;
        }

        if (typeof(T) == typeof(string))
        {
            return (T)(object)await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false))!;
    }

    private async Task AuthorizeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("Sign in first.");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? type = null, title = null, detail = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken).ConfigureAwait(false);
            (type, title, detail) = (problem?.Type, problem?.Title, problem?.Detail);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException)
        {
            // Not a ProblemDetails body (a proxy's page, say): the status alone must do.
        }

        throw new VigilApiException(response.StatusCode, type, title, detail);
    }

    private sealed record ProblemBody(string? Type, string? Title, string? Detail);
}
