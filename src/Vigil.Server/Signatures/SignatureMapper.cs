using Vigil.Contracts;

namespace Vigil.Server.Signatures;

internal static class SignatureMapper
{
    /// <summary>The manifestation shown with the record (§11.50): printed name, time, meaning, and the version signed.</summary>
    public static SignatureDto ToDto(this ElectronicSignature signature, int currentVersion) =>
        new(signature.Id, signature.MessageId, signature.Version, signature.SignerId, signature.SignerName, signature.Meaning,
            signature.SignedAt, signature.ContentCommitment, AppliesToCurrentVersion: signature.Version == currentVersion,
            Manifestation: $"Signed by {signature.SignerName} on {signature.SignedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC — meaning: {signature.Meaning} (version {signature.Version})",
            AttachmentId: signature.AttachmentId);
}
