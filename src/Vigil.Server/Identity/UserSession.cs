namespace Vigil.Server.Identity;

/// <summary>
/// One signed-in device. Tokens are stored only as SHA-256 hashes, so a copy of the database does not hand out
/// sessions. A session ends when revoked, when its refresh window closes, or when idle past the limit
/// (HIPAA §164.312(a)(2)(iii) automatic log-off).
/// </summary>
public sealed class UserSession
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string AccessTokenHash { get; set; }

    public required string RefreshTokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset AccessExpiresAt { get; set; }

    public DateTimeOffset RefreshExpiresAt { get; set; }

    public DateTimeOffset LastActivityAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public string? RevokedReason { get; set; }
}
