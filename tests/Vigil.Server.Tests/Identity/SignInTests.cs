using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OtpNet;
using Vigil.Client;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Identity;
using Vigil.Testing;

namespace Vigil.Server.Tests.Identity;

public sealed class SignInTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly VigilServerFactory _factory;

    public SignInTests() => _factory = new VigilServerFactory(_time);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _factory.DisposeAsync().AsTask();

    /// <summary>A change made straight in the shared database, as another node would: this node's session cache has not
    /// heard of it.</summary>
    private async Task ElsewhereAsync(Func<IServiceProvider, Task> change)
    {
        await using var scope = _factory.Services.CreateAsyncScope();
        await change(scope.ServiceProvider);
    }

    [Fact]
    public async Task Wrong_password_is_a_401_problem()
    {
        await _factory.AdminAsync();
        var http = _factory.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest("admin", "not-the-password"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemTypes.InvalidCredentials, (await response.ProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Token_response_has_the_wire_shape()
    {
        await _factory.AdminAsync();
        var http = _factory.CreateClient();

        var response = await http.PostAsJsonAsync("/api/v1/auth/token", new { username = "admin", password = VigilServerFactory.AdminPassword });
        var json = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("accessToken").GetString()));
        Assert.False(string.IsNullOrEmpty(json.GetProperty("refreshToken").GetString()));
        Assert.True(json.GetProperty("expiresIn").GetInt32() > 0);
    }

    [Fact]
    public async Task Account_locks_after_repeated_failures_even_for_the_right_password()
    {
        var (_, user) = await _factory.UserAsync("locky");
        using var client = _factory.CreateVigilClient();
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<VigilApiException>(() => client.SignInAsync(user.Username, "wrong-Passw0rd!"));
        }

        var locked = await Assert.ThrowsAsync<VigilApiException>(() => client.SignInAsync(user.Username, VigilServerFactory.UserPassword));

        Assert.Equal(ProblemTypes.LockedOut, locked.ProblemType);
    }

    [Fact]
    public async Task Enrolled_totp_is_required_and_checked_at_sign_in()
    {
        var (client, user) = await _factory.UserAsync("totpuser");
        var enrollment = await client.EnrollTotpAsync();
        var totp = new Totp(Base32Encoding.ToBytes(enrollment.SharedKey));
        var recovery = await client.VerifyTotpAsync(totp.ComputeTotp());
        Assert.Equal(10, recovery.RecoveryCodes.Count);

        using var fresh = _factory.CreateVigilClient();
        var missing = await Assert.ThrowsAsync<VigilApiException>(() => fresh.SignInAsync(user.Username, VigilServerFactory.UserPassword));
        Assert.Equal(ProblemTypes.TotpRequired, missing.ProblemType);
        var wrong = await Assert.ThrowsAsync<VigilApiException>(() => fresh.SignInAsync(user.Username, VigilServerFactory.UserPassword, "000000"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);

        await fresh.SignInAsync(user.Username, VigilServerFactory.UserPassword, totp.ComputeTotp());
        Assert.True((await fresh.GetMeAsync()).TwoFactorEnabled);
    }

    [Fact]
    public async Task A_recovery_code_signs_in_once()
    {
        var (client, user) = await _factory.UserAsync("recover");
        var enrollment = await client.EnrollTotpAsync();
        var codes = await client.VerifyTotpAsync(new Totp(Base32Encoding.ToBytes(enrollment.SharedKey)).ComputeTotp());
        var http = _factory.CreateClient();
        var request = new TokenRequest(user.Username, VigilServerFactory.UserPassword, RecoveryCode: codes.RecoveryCodes[0]);

        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/api/v1/auth/token", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/v1/auth/token", request)).StatusCode);
    }

    [Fact]
    public async Task An_idle_session_is_logged_off()
    {
        var (client, _) = await _factory.UserAsync("idler");
        var http = await _factory.RawClientAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/users/me")).StatusCode);

        _time.Advance(TimeSpan.FromMinutes(16));
        var response = await http.GetAsync("/api/v1/users/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemTypes.SessionExpired, (await response.ProblemAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task An_active_session_outlives_the_idle_limit_by_refreshing()
    {
        var (client, _) = await _factory.UserAsync("busy");
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(9));
            await client.GetMeAsync();
        }

        Assert.Equal("busy", (await client.GetMeAsync()).Username);
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_every_session()
    {
        var (first, user) = await _factory.UserAsync("roamer");
        using var second = _factory.CreateVigilClient();
        await second.SignInAsync(user.Username, VigilServerFactory.UserPassword);

        await first.SignOutEverywhereAsync();

        var refused = await Assert.ThrowsAsync<VigilApiException>(() => second.GetMeAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
    }

    [Fact]
    public async Task Refresh_rotates_the_pair_and_the_old_refresh_token_stops_working()
    {
        await _factory.AdminAsync();
        var http = _factory.CreateClient();
        var first = await (await http.PostAsJsonAsync("/api/v1/auth/token", new TokenRequest("admin", VigilServerFactory.AdminPassword)))
            .Content.ReadFromJsonAsync<TokenResponse>();

        var refreshed = await http.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshTokenRequest(first!.RefreshToken));
        var replay = await http.PostAsJsonAsync("/api/v1/auth/refresh", new RefreshTokenRequest(first.RefreshToken));

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.NotEqual(first.AccessToken, (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Disabling_a_user_ends_their_sessions_and_blocks_sign_in()
    {
        var (admin, _) = await _factory.AdminAsync();
        var (client, user) = await _factory.UserAsync("leaver");

        await admin.DisableUserAsync(user.Id);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Assert.ThrowsAsync<VigilApiException>(() => client.GetMeAsync())).Status);
        using var again = _factory.CreateVigilClient();
        await Assert.ThrowsAsync<VigilApiException>(() => again.SignInAsync(user.Username, VigilServerFactory.UserPassword));
    }

    [Fact]
    public async Task A_session_revoked_behind_this_nodes_back_is_refused_within_twenty_seconds()
    {
        var (client, user) = await _factory.UserAsync("elsewhere");
        var http = await _factory.RawClientAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/users/me")).StatusCode);

        // What another node's sign-out everywhere leaves in the shared database.
        var revokedAt = _time.GetUtcNow();
        await ElsewhereAsync(services => services.GetRequiredService<VigilDbContext>().Sessions.Where(s => s.UserId == user.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, revokedAt).SetProperty(x => x.RevokedReason, "test")));

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/users/me")).StatusCode);
        _time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task A_user_disabled_behind_this_nodes_back_is_refused_within_twenty_seconds()
    {
        var (client, user) = await _factory.UserAsync("disabledelsewhere");
        var http = await _factory.RawClientAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/v1/users/me")).StatusCode);

        // Only the flag: the session itself stays unrevoked, so the user's own row is what must refuse it.
        await ElsewhereAsync(services => services.GetRequiredService<VigilDbContext>().Users.Where(u => u.Id == user.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.Disabled, true)));

        _time.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/v1/users/me")).StatusCode);
    }

    [Fact]
    public async Task A_role_granted_behind_this_nodes_back_applies_within_twenty_seconds()
    {
        var (client, user) = await _factory.UserAsync("promotedelsewhere", VigilRoles.Clinician);
        var request = new CreateUserRequest("promotedsx1", VigilServerFactory.UserPassword, "X", "promoted@example.org");
        Assert.Equal(HttpStatusCode.Forbidden, (await Assert.ThrowsAsync<VigilApiException>(() => client.CreateUserAsync(request))).Status);

        await ElsewhereAsync(async services =>
        {
            var users = services.GetRequiredService<UserManager<VigilUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(user.Id.ToString()))!, VigilRoles.Administrator)).Succeeded);
        });

        _time.Advance(TimeSpan.FromSeconds(21));
        Assert.Equal(request.Username, (await client.CreateUserAsync(request)).Username);
    }

    [Fact]
    public async Task Only_administrators_create_users()
    {
        var (client, _) = await _factory.UserAsync("clinician1", VigilRoles.Clinician);

        var refused = await Assert.ThrowsAsync<VigilApiException>(() =>
            client.CreateUserAsync(new CreateUserRequest("x1", VigilServerFactory.UserPassword, "X", "x@example.org")));

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
    }

    [Fact]
    public async Task Role_changes_apply_to_the_next_request()
    {
        var (admin, _) = await _factory.AdminAsync();
        var (client, user) = await _factory.UserAsync("promoted", VigilRoles.Researcher);
        await Assert.ThrowsAsync<VigilApiException>(() => client.ListUsersAsync());

        await admin.SetRolesAsync(user.Id, [VigilRoles.Administrator]);

        Assert.NotEmpty(await client.ListUsersAsync());
    }

    [Fact]
    public async Task Requests_without_a_token_get_a_401_problem()
    {
        var http = _factory.CreateClient();

        var response = await http.GetAsync("/api/v1/conversations");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await response.ProblemAsync();
    }
}
