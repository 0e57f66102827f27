namespace Vigil.Contracts;

/// <summary>
/// One audit-trail entry of <c>GET /api/v1/ledger/entries</c>. <see cref="PreviousValue"/> and <see cref="NewValue"/>
/// are filled for compliance officers who ask for values (the record's content before and after the change).
/// </summary>
public sealed record AuditEntryDto(
    long Sequence,
    DateTimeOffset RecordedAt,
    Guid? ActorId,
    string Action,
    string Target,
    string? Reason,
    string? Commitment,
    string LeafHash,
    string? PreviousValue = null,
    string? NewValue = null);

/// <summary>Filters of the audit trail; all optional.</summary>
public sealed record AuditQuery(
    Guid? ActorId = null,
    string? Action = null,
    string? TargetPrefix = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    long? After = null,
    int Limit = 100,
    bool WithValues = false);

/// <summary>The newest signed checkpoint of the ledger (RFC 9162 style) and the key that verifies it.</summary>
public sealed record LedgerCheckpointDto(long TreeSize, string RootHash, DateTimeOffset IssuedAt, string Signature, string PublicKeyPem);
