using Vigil.Ledger;

namespace Vigil.Server.Ledger;

/// <summary>
/// One row of the append-only ledger. The leaf hash is stored to locate a divergence quickly; it is never trusted:
/// verification recomputes it from the other columns.
/// </summary>
public sealed class LedgerEntry
{
    public long Sequence { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public Guid? ActorId { get; set; }

    public required string Action { get; set; }

    public required string Target { get; set; }

    public string? Reason { get; set; }

    public string? Commitment { get; set; }

    public required string LeafHash { get; set; }

    public LedgerEntryData ToData() => new(Sequence, RecordedAt, ActorId, Action, Target, Reason, Commitment);
}

/// <summary>A signed tree head, kept so that anyone holding the public key can check later states against it.</summary>
public sealed class LedgerCheckpointRecord
{
    public long TreeSize { get; set; }

    public required string RootHash { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public required string Signature { get; set; }

    public LedgerCheckpoint ToCheckpoint() => new(TreeSize, Convert.FromBase64String(RootHash), IssuedAt);
}

/// <summary>
/// A subject's commitment key (a conversation, for now). Destroying it is how erasure will make committed content
/// unguessable while the ledger still verifies.
/// </summary>
public sealed class CommitmentKey
{
    public Guid SubjectId { get; set; }

    public required byte[] Key { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
