namespace Vigil.Server.Attachments;

/// <summary>An uploaded file, stored once by content hash; the row ties it to the conversation it was shared in.</summary>
public sealed class Attachment
{
    public Guid Id { get; set; }

    public Guid ConversationId { get; set; }

    public Guid UploaderId { get; set; }

    public Guid? MessageId { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>SHA-256 of the plaintext, as the API reports it.</summary>
    public required string Sha256 { get; set; }

    /// <summary>SHA-256 of the encrypted file, which is also its name under <c>attachments/</c>.</summary>
    public required string Blob { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
}
