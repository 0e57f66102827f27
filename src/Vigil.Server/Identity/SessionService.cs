using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Vigil.Contracts;
using Vigil.Server.Data;

namespace Vigil.Server.Identity;

/// <summary>Who is behind a valid access token.</summary>
public sealed record AuthenticatedSession(Guid SessionId, Guid UserId, string Username, IReadOnlyList<string> Roles);

public enum SessionFailure
{
    None,
    Unknown,
    Expired,
    Idle,
    Revoked,
    Disabled,
}

/// <summary>
/// Issues, refreshes, validates and revokes sessions. Validation is on every request and hub call, so it keeps a
/// short-lived in-memory view of each session and hands activity to <see cref="SessionActivityWriter"/> at most every
/// few seconds a session; idle and revocation checks still see every request.
/// </summary>
public sealed partial class SessionService(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SessionOptions> options,
    ISecureTokenGenerator tokens,
    IIdGenerator ids,
    SessionActivityWriter activity,
    ILogger<SessionService> logger)
{
    // 15 s on average. Sessions cached together (every client reconnecting after a restart, a class signing in at
    // nine) would otherwise come back for their database check together every 15 s, a burst of reads that the
    // round trip's tail paid for; spread by session id over 10-20 s, the checks stay even.
    private static readonly TimeSpan RevalidateAfterShortest = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RevalidateAfterSpread = TimeSpan.FromSeconds(10);
    private readonly ConcurrentDictionary<string, CachedSession> _byAccessHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, CachedSession> _bySessionId = new();

    private SessionOptions Options => options.Value;

    private static TimeSpan RevalidateAfter(Guid sessionId) =>
        RevalidateAfterShortest + (RevalidateAfterSpread * ((sessionId.GetHashCode() & 0xFFFF) / 65536.0));

    private TimeSpan PersistActivityAfter => TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(30).Ticks, Options.IdleTimeout.Ticks / 10));

    public async Task<TokenResponse> IssueAsync(Guid userId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var access = tokens.NewToken("vat_");
        var refresh = tokens.NewToken("vrt_");
        var session = new UserSession
        {
            Id = ids.NewId(),
            UserId = userId,
            AccessTokenHash = TokenHash.Of(access),
            RefreshTokenHash = TokenHash.Of(refresh),
            CreatedAt = now,
            AccessExpiresAt = now + Options.AccessTokenLifetime,
            RefreshExpiresAt = now + Options.MaximumLifetime,
            LastActivityAt = now,
        };
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        db.Sessions.Add(session);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogIssued(session.Id, userId);
        return new TokenResponse(access, refresh, (int)Options.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>Swaps a refresh token for a new token pair; the old pair stops working at once.</summary>
    public async Task<(TokenResponse? Tokens, SessionFailure Failure, Guid? UserId)> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var hash = TokenHash.Of(refreshToken);
        var view = await SessionViews.ByRefreshTokenHash.For(db)(db, hash, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return (null, SessionFailure.Unknown, null);
        }

        var session = view.Session;
        var failure = await CheckAsync(session, view.UserDisabled, LastActivity(session), now, cancellationToken).ConfigureAwait(false);
        if (failure != SessionFailure.None)
        {
            return (null, failure, session.UserId);
        }

        db.Sessions.Attach(session);
        Forget(session.AccessTokenHash);
        var access = tokens.NewToken("vat_");
        var refresh = tokens.NewToken("vrt_");
        session.AccessTokenHash = TokenHash.Of(access);
        session.RefreshTokenHash = TokenHash.Of(refresh);
        session.AccessExpiresAt = now + Options.AccessTokenLifetime;
        session.LastActivityAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return (new TokenResponse(access, refresh, (int)Options.AccessTokenLifetime.TotalSeconds), SessionFailure.None, session.UserId);
    }

    public async Task<(AuthenticatedSession? Session, SessionFailure Failure)> AuthenticateAsync(
        string accessToken, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var hash = TokenHash.Of(accessToken);
        if (_byAccessHash.TryGetValue(hash, out var cached) && now < cached.RevalidateAt)
        {
            if (now >= cached.AccessExpiresAt)
            {
                return (null, SessionFailure.Expired);
            }

            if (now - cached.LastActivity > Options.IdleTimeout)
            {
                await RevokeAsync(cached.Session.SessionId, "idle", cancellationToken).ConfigureAwait(false);
                return (null, SessionFailure.Idle);
            }

            Touch(cached, now);
            return (cached.Session, SessionFailure.None);
        }

        var (entry, failure) = await RevalidateAsync((db, ct) => SessionViews.ByAccessTokenHash.For(db)(db, hash, ct), cached, now, byAccessToken: true, cancellationToken)
            .ConfigureAwait(false);
        if (entry is null)
        {
            _byAccessHash.TryRemove(hash, out _);
            return (null, failure);
        }

        return (entry.Session, SessionFailure.None);
    }

    /// <summary>
    /// For long-lived hub connections, which authenticated once at connect: the session must still be live (not
    /// revoked, idle or disabled), though the access token it connected with may since have been rotated.
    /// </summary>
    public async Task<SessionFailure> CheckActiveAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_bySessionId.TryGetValue(sessionId, out var cached) && now < cached.RevalidateAt)
        {
            if (now - cached.LastActivity > Options.IdleTimeout)
            {
                await RevokeAsync(sessionId, "idle", cancellationToken).ConfigureAwait(false);
                return SessionFailure.Idle;
            }

            Touch(cached, now);
            return SessionFailure.None;
        }

        return (await RevalidateAsync((db, ct) => SessionViews.ById.For(db)(db, sessionId, ct), cached, now, byAccessToken: false, cancellationToken).ConfigureAwait(false)).Failure;
    }

    /// <summary>
    /// Asks the database about a session that is not cached or is due for revalidation; a live one is cached again
    /// and its activity recorded. Only a request that presents the access token is refused for the token's expiry
    /// (a hub connection outlives the token it connected with).
    /// </summary>
    private async Task<(CachedSession? Entry, SessionFailure Failure)> RevalidateAsync(
        Func<VigilDbContext, CancellationToken, Task<SessionView?>> read, CachedSession? cached, DateTimeOffset now, bool byAccessToken,
        CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var view = await read(db, cancellationToken).ConfigureAwait(false);
        if (view is null)
        {
            return (null, SessionFailure.Unknown);
        }

        var session = view.Session;
        var lastActivity = cached is null ? session.LastActivityAt : Max(cached.LastActivity, session.LastActivityAt);
        var failure = await CheckAsync(session, view.UserDisabled, lastActivity, now, cancellationToken).ConfigureAwait(false);
        if (failure == SessionFailure.None && byAccessToken && now >= session.AccessExpiresAt)
        {
            failure = SessionFailure.Expired;
        }

        if (failure != SessionFailure.None)
        {
            return (null, failure);
        }

        var entry = Cache(view, cached, lastActivity, now);
        Touch(entry, now);
        return (entry, SessionFailure.None);
    }

    private CachedSession Cache(SessionView view, CachedSession? previous, DateTimeOffset lastActivity, DateTimeOffset now)
    {
        var session = view.Session;
        var entry = new CachedSession(
            new AuthenticatedSession(session.Id, session.UserId, view.UserName ?? "", view.Roles),
            session.AccessExpiresAt,
            now,
            lastActivity,
            // What the database has or is about to get, not the activity seen in memory: were it the latter, a session
            // revalidated more often than PersistActivityAfter would never have its activity written.
            previous is null ? session.LastActivityAt : Max(previous.PersistedActivity, session.LastActivityAt));
        _byAccessHash[session.AccessTokenHash] = entry;
        _bySessionId[session.Id] = entry;
        return entry;
    }

    public async Task RevokeAsync(Guid sessionId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        await db.Sessions.Where(s => s.Id == sessionId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken)
            .ConfigureAwait(false);
        ForgetWhere(c => c.Session.SessionId == sessionId);
        LogRevoked(sessionId, reason);
    }

    /// <summary>Sign-out everywhere: every session of the user ends, on every device.</summary>
    public async Task<int> RevokeAllAsync(Guid userId, string reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<VigilDbContext>();
        var count = await db.Sessions.Where(s => s.UserId == userId && s.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.RevokedAt, now).SetProperty(x => x.RevokedReason, reason), cancellationToken)
            .ConfigureAwait(false);
        ForgetUser(userId);
        LogRevokedAll(userId, count, reason);
        return count;
    }

    /// <summary>Drops what is cached about a user so a role change applies to the next request.</summary>
    public void ForgetUser(Guid userId) => ForgetWhere(c => c.Session.UserId == userId);

    private async Task<SessionFailure> CheckAsync(
        UserSession session, bool userDisabled, DateTimeOffset lastActivity, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (session.RevokedAt is not null)
        {
            return SessionFailure.Revoked;
        }

        if (now >= session.RefreshExpiresAt)
        {
            return SessionFailure.Expired;
        }

        if (now - lastActivity > Options.IdleTimeout)
        {
            await RevokeAsync(session.Id, "idle", cancellationToken).ConfigureAwait(false);
            return SessionFailure.Idle;
        }

        return userDisabled ? SessionFailure.Disabled : SessionFailure.None;
    }

    private void Touch(CachedSession entry, DateTimeOffset now)
    {
        entry.LastActivity = now;
        if (now - entry.PersistedActivity < PersistActivityAfter)
        {
            return;
        }

        entry.PersistedActivity = now;
        activity.Record(entry.Session.SessionId, now);
    }

    /// <summary>The database copy of activity lags by up to <see cref="PersistActivityAfter"/> and a flush; the cache does not.</summary>
    private DateTimeOffset LastActivity(UserSession session) =>
        _byAccessHash.TryGetValue(session.AccessTokenHash, out var cached)
            ? Max(cached.LastActivity, session.LastActivityAt)
            : session.LastActivityAt;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private void Forget(string accessHash)
    {
        if (_byAccessHash.TryRemove(accessHash, out var entry))
        {
            _bySessionId.TryRemove(entry.Session.SessionId, out _);
        }
    }

    private void ForgetWhere(Func<CachedSession, bool> predicate)
    {
        foreach (var (key, value) in _byAccessHash)
        {
            if (predicate(value))
            {
                _byAccessHash.TryRemove(key, out _);
            }
        }

        foreach (var (key, value) in _bySessionId)
        {
            if (predicate(value))
            {
                _bySessionId.TryRemove(key, out _);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} issued to user {UserId}")]
    private partial void LogIssued(Guid sessionId, Guid userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId} revoked ({Reason})")]
    private partial void LogRevoked(Guid sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} session(s) of user {UserId} revoked ({Reason})")]
    private partial void LogRevokedAll(Guid userId, int count, string reason);

    private sealed class CachedSession(
        AuthenticatedSession session, DateTimeOffset accessExpiresAt, DateTimeOffset validatedAt, DateTimeOffset lastActivity,
        DateTimeOffset persistedActivity)
    {
        public AuthenticatedSession Session { get; } = session;

        public DateTimeOffset AccessExpiresAt { get; } = accessExpiresAt;

        /// <summary>When the database is asked again whether the session is still live.</summary>
        public DateTimeOffset RevalidateAt { get; } = validatedAt + RevalidateAfter(session.SessionId);

        public DateTimeOffset LastActivity { get; set; } = lastActivity;

        public DateTimeOffset PersistedActivity { get; set; } = persistedActivity;
    }
}
