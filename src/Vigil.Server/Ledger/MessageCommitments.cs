using System.Globalization;
using Vigil.Ledger;

namespace Vigil.Server.Ledger;

/// <summary>What the ledger commits to for each message version and deletion; the verifier recomputes the same.</summary>
public static class MessageCommitments
{
    public static string Version(byte[] key, Guid messageId, int version, string body, Guid authorId, DateTimeOffset writtenAt) =>
        ContentCommitment.Of(key, "message-version/v1", messageId.ToString("D"), version.ToString(CultureInfo.InvariantCulture),
            body, authorId.ToString("D"), writtenAt.UtcTicks.ToString(CultureInfo.InvariantCulture));

    /// <summary>An attachment is committed to by its plaintext hash, size and name (its bytes are checked against the hash on read).</summary>
    public static string Attachment(byte[] key, Guid attachmentId, string sha256, long size, string fileName) =>
        ContentCommitment.Of(key, "attachment/v1", attachmentId.ToString("D"), sha256, size.ToString(CultureInfo.InvariantCulture), fileName);

    /// <summary>What a signature's ledger entry commits to: signer, printed name, meaning, time and the signed content.</summary>
    public static string Signature(byte[] key, Guid signatureId, Guid signerId, string signerName, string meaning, DateTimeOffset signedAt, string content) =>
        ContentCommitment.Of(key, "signature/v1", signatureId.ToString("D"), signerId.ToString("D"), signerName, meaning,
            signedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), content);

    public static string Deletion(byte[] key, Guid messageId, Guid deletedBy, DateTimeOffset deletedAt, string reason) =>
        ContentCommitment.Of(key, "message-deletion/v1", messageId.ToString("D"), deletedBy.ToString("D"),
            deletedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), reason);
}
