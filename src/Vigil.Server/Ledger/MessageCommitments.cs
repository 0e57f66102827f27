using System.Globalization;
using Vigil.Ledger;

namespace Vigil.Server.Ledger;

/// <summary>What the ledger commits to for each message version and deletion; the verifier recomputes the same.</summary>
public static class MessageCommitments
{
    public static string Version(byte[] key, Guid messageId, int version, string body, Guid authorId, DateTimeOffset writtenAt) =>
        ContentCommitment.Of(key, "message-version/v1", messageId.ToString("D"), version.ToString(CultureInfo.InvariantCulture),
            body, authorId.ToString("D"), writtenAt.UtcTicks.ToString(CultureInfo.InvariantCulture));

    public static string Deletion(byte[] key, Guid messageId, Guid deletedBy, DateTimeOffset deletedAt, string reason) =>
        ContentCommitment.Of(key, "message-deletion/v1", messageId.ToString("D"), deletedBy.ToString("D"),
            deletedAt.UtcTicks.ToString(CultureInfo.InvariantCulture), reason);
}
