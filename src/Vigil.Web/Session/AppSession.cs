using System.Text.Json;
using Vigil.Client;
using Vigil.Contracts;

namespace Vigil.Web.Session;

/// <summary>
/// The signed-in user of this browser tab. Tokens live in the tab's sessionStorage only (gone when the tab closes),
/// so a reload keeps the session and a new tab signs in again.
/// </summary>
public sealed class AppSession(VigilClient client, BrowserBridge browser, TimeProvider time)
{
    private const string StorageKey = "vigil.session";
    private Task? _restore;

    public VigilClient Client => client;

    public UserDto? Me { get; private set; }

    public ClientConfigDto? Config { get; private set; }

    public bool IsSignedIn => Me is not null && client.IsSignedIn;

    public bool IsPatient => Me?.Roles.Contains(VigilRoles.Patient) == true;

    public bool IsStaff => Me is not null && Me.Roles.Any(role => role is not VigilRoles.Patient);

    public bool IsInRole(string role) => Me?.Roles.Contains(role) == true;

    /// <summary>Why the last session ended, shown on the sign-in page ("idle", "expired").</summary>
    public string? EndReason { get; set; }

    public event Action? Changed;

    /// <summary>Loads the server's configuration and the tab's saved session, once.</summary>
    public Task EnsureRestoredAsync() => _restore ??= RestoreAsync();

    public async Task SignInAsync(string username, string password, string? totpCode)
    {
        await client.SignInAsync(username, password, string.IsNullOrWhiteSpace(totpCode) ? null : totpCode.Trim());
        Me = await client.GetMeAsync();
        EndReason = null;
        Changed?.Invoke();
    }

    /// <summary>Reads the server's configuration again (setup closes once the first administrator exists).</summary>
    public async Task RefreshConfigAsync() => Config = await client.GetClientConfigAsync();

    public async Task RefreshMeAsync()
    {
        Me = await client.GetMeAsync();
        Changed?.Invoke();
    }

    /// <summary>Ends the session on the server when it can, and always in this tab.</summary>
    public async Task SignOutAsync(string? reason)
    {
        EndReason = reason;
        try
        {
            if (client.IsSignedIn)
            {
                await client.SignOutAsync();
            }
        }
        catch (Exception exception) when (exception is VigilApiException or HttpRequestException)
        {
            // The server may be unreachable or the session already over; the tab forgets it either way.
            client.Forget();
        }

        Me = null;
        Changed?.Invoke();
    }

    /// <summary>The server refused the session (expired, revoked): forget it here too.</summary>
    public void SessionEnded(string reason)
    {
        EndReason = reason;
        client.Forget();
        Me = null;
        Changed?.Invoke();
    }

    private async Task RestoreAsync()
    {
        client.TokensChanged += tokens => _ = PersistAsync(tokens);
        Config = await client.GetClientConfigAsync();
        var saved = await browser.LoadAsync(StorageKey);
        if (string.IsNullOrEmpty(saved))
        {
            return;
        }

        try
        {
            var stored = JsonSerializer.Deserialize(saved, WebJsonContext.Default.StoredSession);
            if (stored is null)
            {
                return;
            }

            client.UseTokens(stored.Tokens, stored.AccessExpiresAt);
            Me = await client.GetMeAsync();
        }
        catch (Exception exception) when (exception is VigilApiException or JsonException)
        {
            client.Forget();
            Me = null;
        }
    }

    private async Task PersistAsync(TokenResponse? tokens)
    {
        if (tokens is null)
        {
            await browser.RemoveAsync(StorageKey);
            return;
        }

        var stored = new StoredSession(tokens, time.GetUtcNow() + TimeSpan.FromSeconds(tokens.ExpiresIn));
        await browser.SaveAsync(StorageKey, JsonSerializer.Serialize(stored, WebJsonContext.Default.StoredSession));
    }
}

/// <summary>What a tab keeps to survive a reload.</summary>
public sealed record StoredSession(TokenResponse Tokens, DateTimeOffset AccessExpiresAt);
