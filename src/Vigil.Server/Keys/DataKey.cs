namespace Vigil.Server.Keys;

/// <summary>
/// A subject's data key (a conversation, or a patient for all their patient conversations), stored only wrapped by
/// a KEK. Erasure sets <see cref="WrappedKey"/> to null: from then on the subject's content cannot be read by anyone,
/// while the ledger, which holds only commitments, still verifies.
/// </summary>
public sealed class DataKey
{
    public Guid SubjectId { get; set; }

    public byte[]? WrappedKey { get; set; }

    public required string KeyEncryptionKeyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DestroyedAt { get; set; }

    public string? DestroyedReason { get; set; }
}
