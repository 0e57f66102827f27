namespace Vigil.Server.Signatures;

/// <summary>
/// A Part 11 electronic signature (§11.50): who signed (id and printed name at the time), when (UTC), what it means,
/// and which exact version of the record, by that version's ledger commitment. A later edit makes a new version;
/// the signature keeps pointing at the one that was signed.
/// </summary>
public sealed class ElectronicSignature
{
    public Guid Id { get; set; }

    /// <summary>The signed message, or null when an attachment was signed.</summary>
    public Guid? MessageId { get; set; }

    /// <summary>The signed attachment, or null when a message was signed.</summary>
    public Guid? AttachmentId { get; set; }

    public int Version { get; set; }

    public Guid SignerId { get; set; }

    public required string SignerName { get; set; }

    public required string Meaning { get; set; }

    public DateTimeOffset SignedAt { get; set; }

    /// <summary>The ledger commitment of the signed version: binds the signature to that exact content (§11.70).</summary>
    public required string ContentCommitment { get; set; }
}
