namespace Vigil.Contracts;

/// <summary>Stable RFC 9457 <c>type</c> URIs, one per kind of error, so clients can branch without parsing text.</summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:vigil:problem:";
    public const string Validation = Prefix + "validation";
    public const string BodyTooLarge = Prefix + "body-too-large";
    public const string NotFound = Prefix + "not-found";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotAMember = Prefix + "not-a-member";
    public const string ReadOnlyMember = Prefix + "read-only-member";
    public const string InvalidCredentials = Prefix + "invalid-credentials";
    public const string TotpRequired = Prefix + "totp-required";
    public const string LockedOut = Prefix + "locked-out";
    public const string SessionExpired = Prefix + "session-expired";
    public const string SetupClosed = Prefix + "setup-closed";
    public const string SetupTokenRequired = Prefix + "setup-token-required";
    public const string Conflict = Prefix + "conflict";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string BadRequest = Prefix + "bad-request";
}
