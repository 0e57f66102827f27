namespace Vigil.Contracts;

/// <summary>
/// What a client needs before anyone signs in: whether the organisation still needs its first administrator, and the
/// automatic log-off limit the server enforces (HIPAA §164.312(a)(2)(iii)), so the client can warn before it.
/// </summary>
public sealed record ClientConfigDto(bool SetupRequired, int IdleTimeoutSeconds);
