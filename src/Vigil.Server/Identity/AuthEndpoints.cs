using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Vigil.Contracts;
using Vigil.Server.Data;
using Vigil.Server.Ledger;
using Vigil.Server.Problems;

namespace Vigil.Server.Identity;

/// <summary>First-run setup, sign-in, token refresh, sign-out and the TOTP second factor.</summary>
internal static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/setup", Setup)
            .AllowAnonymous().WithName("Setup").WithTags("Identity")
            .WithSummary("Create the first Administrator (only while no user exists).")
            .ProducesProblem(400).ProducesProblem(403);

        var auth = app.MapGroup("/api/v1/auth").WithTags("Identity");
        auth.MapPost("/token", IssueToken).AllowAnonymous().WithName("IssueToken")
            .WithSummary("Exchange username, password and TOTP code for an access and a refresh token.")
            .ProducesProblem(400).ProducesProblem(401);
        auth.MapPost("/refresh", Refresh).AllowAnonymous().WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new token pair.").ProducesProblem(401);
        auth.MapPost("/logout", Logout).WithName("Logout").WithSummary("End this session.");
        auth.MapPost("/logout-all", LogoutEverywhere).WithName("LogoutEverywhere")
            .WithSummary("End every session of the signed-in user, on every device.");

        var totp = auth.MapGroup("/totp");
        totp.MapPost("/enrollment", EnrollTotp).WithName("EnrollTotp")
            .WithSummary("Start TOTP enrolment: returns a new shared key; it takes effect once verified.").ProducesProblem(409);
        totp.MapPost("/verify", VerifyTotp).WithName("VerifyTotp")
            .WithSummary("Confirm enrolment with a code; turns the second factor on and returns recovery codes.").ProducesProblem(400);
        totp.MapPost("/recovery-codes", RegenerateRecoveryCodes).WithName("RegenerateRecoveryCodes")
            .WithSummary("Replace the recovery codes (needs a current code).").ProducesProblem(400);
        totp.MapPost("/disable", DisableTotp).WithName("DisableTotp")
            .WithSummary("Turn the second factor off (needs a current code).").ProducesProblem(400);
        return app;
    }

    private static async Task<Created<UserDto>> Setup(
        CreateUserRequest request, HttpContext context, SetupGate gate, VigilDbContext db,
        UserAdministration admin, CancellationToken cancellationToken)
    {
        if (!SetupGate.IsLocal(context) && !gate.Accepts(request.SetupToken ?? context.Request.Headers["X-Vigil-Setup-Token"]))
        {
            throw ProblemException.Forbidden(
                "Setup from another machine needs the one-time setup token the server wrote to setup-token in its data folder.",
                ProblemTypes.SetupTokenRequired);
        }

        await gate.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
            {
                throw ProblemException.Forbidden("Setup is closed: the organisation already has users.", ProblemTypes.SetupClosed);
            }

            var roles = (request.Roles ?? []).Append(VigilRoles.Administrator).ToList();
            var user = await admin.CreateAsync(request with { Roles = roles }, null, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/api/v1/users/{user.Id}", user);
        }
        finally
        {
            gate.Lock.Release();
        }
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, UserManager<VigilUser> users, SessionService sessions, LedgerRecorder ledger, CancellationToken cancellationToken)
    {
        // Failures are recorded against the account when it exists; an unknown name is not stored (it may be a
        // mistyped password).
        Task RecordAsync(string action, Guid? userId, string? reason) => ledger.RecordAsync(cancellationToken,
            new LedgerEvent(userId, action, userId is { } id ? LedgerActions.UserTarget(id) : "user/unknown", reason));

        if (string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password)
            || request.Username.Length > UserAdministration.MaxUsernameLength || request.Password.Length > UserAdministration.MaxPasswordLength)
        {
            return InvalidCredentials();
        }

        var user = await users.FindByNameAsync(request.Username).ConfigureAwait(false);
        if (user is null || user.Disabled)
        {
            await RecordAsync(LedgerActions.SignInFailed, user?.Id, user is null ? "unknown-user" : "disabled").ConfigureAwait(false);
            return InvalidCredentials();
        }

        if (await users.IsLockedOutAsync(user).ConfigureAwait(false))
        {
            await RecordAsync(LedgerActions.SignInFailed, user.Id, "locked-out").ConfigureAwait(false);
            return TypedResults.Problem(
                "Too many failed sign-ins; the account is locked for a while.", statusCode: 401,
                title: "Account locked", type: ProblemTypes.LockedOut);
        }

        if (!await users.CheckPasswordAsync(user, request.Password).ConfigureAwait(false))
        {
            await users.AccessFailedAsync(user).ConfigureAwait(false);
            await RecordAsync(LedgerActions.SignInFailed, user.Id, "password").ConfigureAwait(false);
            return InvalidCredentials();
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(request.TotpCode) && string.IsNullOrWhiteSpace(request.RecoveryCode))
            {
                return TypedResults.Problem(
                    "This account uses a second factor: send totpCode (or a recoveryCode).", statusCode: 401,
                    title: "Second factor required", type: ProblemTypes.TotpRequired);
            }

            var secondFactor = !string.IsNullOrWhiteSpace(request.TotpCode)
                ? await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, request.TotpCode.Trim()).ConfigureAwait(false)
                : (await users.RedeemTwoFactorRecoveryCodeAsync(user, request.RecoveryCode!.Trim()).ConfigureAwait(false)).Succeeded;
            if (!secondFactor)
            {
                await users.AccessFailedAsync(user).ConfigureAwait(false);
                await RecordAsync(LedgerActions.SignInFailed, user.Id, "second-factor").ConfigureAwait(false);
                return InvalidCredentials();
            }
        }

        await users.ResetAccessFailedCountAsync(user).ConfigureAwait(false);
        var tokens = await sessions.IssueAsync(user.Id, cancellationToken).ConfigureAwait(false);
        await RecordAsync(LedgerActions.SignIn, user.Id, user.TwoFactorEnabled ? "password+totp" : "password").ConfigureAwait(false);
        return TypedResults.Ok(tokens);
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshTokenRequest request, SessionService sessions, LedgerRecorder ledger, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.RefreshToken) || request.RefreshToken.Length > 200)
        {
            return InvalidCredentials();
        }

        var (tokens, failure, userId) = await sessions.RefreshAsync(request.RefreshToken, cancellationToken).ConfigureAwait(false);
        if (userId is { } id)
        {
            await ledger.RecordAsync(cancellationToken, new LedgerEvent(id, tokens is null ? LedgerActions.RefreshRefused : LedgerActions.TokenRefreshed,
                LedgerActions.UserTarget(id), tokens is null ? failure.ToString().ToLowerInvariant() : null)).ConfigureAwait(false);
        }

        return tokens is not null
            ? TypedResults.Ok(tokens)
            : TypedResults.Problem($"The refresh token cannot be used ({failure.ToString().ToLowerInvariant()}); sign in again.",
                statusCode: 401, title: "Unauthorized", type: ProblemTypes.SessionExpired);
    }

    private static async Task<NoContent> Logout(
        HttpContext context, SessionService sessions, LedgerRecorder ledger, CancellationToken cancellationToken)
    {
        await sessions.RevokeAsync(context.User.SessionId(), "logout", cancellationToken).ConfigureAwait(false);
        await ledger.RecordAsync(cancellationToken,
            new LedgerEvent(context.User.UserId(), LedgerActions.SignOut, LedgerActions.UserTarget(context.User.UserId()))).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> LogoutEverywhere(
        HttpContext context, SessionService sessions, LedgerRecorder ledger, CancellationToken cancellationToken)
    {
        await sessions.RevokeAllAsync(context.User.UserId(), "logout-all", cancellationToken).ConfigureAwait(false);
        await ledger.RecordAsync(cancellationToken,
            new LedgerEvent(context.User.UserId(), LedgerActions.SignOutEverywhere, LedgerActions.UserTarget(context.User.UserId()))).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<TotpEnrollmentResponse>> EnrollTotp(HttpContext context, UserManager<VigilUser> users)
    {
        var user = await CurrentUserAsync(context, users).ConfigureAwait(false);
        if (user.TwoFactorEnabled)
        {
            throw ProblemException.Conflict("A second factor is already active; disable it before enrolling a new one.");
        }

        await users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        var key = await users.GetAuthenticatorKeyAsync(user).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The authenticator key was not stored.");
        var uri = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"otpauth://totp/{UrlEncoder.Default.Encode("Vigil")}:{UrlEncoder.Default.Encode(user.UserName!)}?secret={key}&issuer=Vigil&digits=6");
        return TypedResults.Ok(new TotpEnrollmentResponse(key, uri));
    }

    private static async Task<Ok<RecoveryCodesResponse>> VerifyTotp(
        TotpCodeRequest request, HttpContext context, UserManager<VigilUser> users, LedgerRecorder ledger)
    {
        var user = await CurrentUserAsync(context, users).ConfigureAwait(false);
        if (await users.GetAuthenticatorKeyAsync(user).ConfigureAwait(false) is null)
        {
            throw ProblemException.Validation("Start enrolment first (POST /api/v1/auth/totp/enrollment).");
        }

        await RequireCodeAsync(user, request, users).ConfigureAwait(false);
        await users.SetTwoFactorEnabledAsync(user, true).ConfigureAwait(false);
        await ledger.RecordAsync(context.RequestAborted,
            new LedgerEvent(user.Id, LedgerActions.TotpEnabled, LedgerActions.UserTarget(user.Id))).ConfigureAwait(false);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10).ConfigureAwait(false);
        return TypedResults.Ok(new RecoveryCodesResponse([.. codes ?? []]));
    }

    private static async Task<Ok<RecoveryCodesResponse>> RegenerateRecoveryCodes(
        TotpCodeRequest request, HttpContext context, UserManager<VigilUser> users)
    {
        var user = await CurrentUserAsync(context, users).ConfigureAwait(false);
        if (!user.TwoFactorEnabled)
        {
            throw ProblemException.Validation("The second factor is not active.");
        }

        await RequireCodeAsync(user, request, users).ConfigureAwait(false);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10).ConfigureAwait(false);
        return TypedResults.Ok(new RecoveryCodesResponse([.. codes ?? []]));
    }

    private static async Task<NoContent> DisableTotp(
        TotpCodeRequest request, HttpContext context, UserManager<VigilUser> users, LedgerRecorder ledger)
    {
        var user = await CurrentUserAsync(context, users).ConfigureAwait(false);
        await RequireCodeAsync(user, request, users).ConfigureAwait(false);
        await users.SetTwoFactorEnabledAsync(user, false).ConfigureAwait(false);
        await ledger.RecordAsync(context.RequestAborted,
            new LedgerEvent(user.Id, LedgerActions.TotpDisabled, LedgerActions.UserTarget(user.Id))).ConfigureAwait(false);
        await users.ResetAuthenticatorKeyAsync(user).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task RequireCodeAsync(VigilUser user, TotpCodeRequest request, UserManager<VigilUser> users)
    {
        if (string.IsNullOrWhiteSpace(request.Code) || request.Code.Length > 16
            || !await users.VerifyTwoFactorTokenAsync(user, TokenOptions.DefaultAuthenticatorProvider, request.Code.Trim()).ConfigureAwait(false))
        {
            throw ProblemException.Validation("The code is not valid for this authenticator.");
        }
    }

    private static async Task<VigilUser> CurrentUserAsync(HttpContext context, UserManager<VigilUser> users) =>
        await users.FindByIdAsync(context.User.UserId().ToString()).ConfigureAwait(false)
        ?? throw ProblemException.NotFound("The user");

    private static ProblemHttpResult InvalidCredentials() =>
        TypedResults.Problem("The username or password is wrong.", statusCode: 401, title: "Unauthorized",
            type: ProblemTypes.InvalidCredentials);
}
