using System.ComponentModel.DataAnnotations;

namespace Vigil.Server.Attachments;

/// <summary>The <c>Vigil:Attachments</c> section.</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Vigil:Attachments";

    [Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>Types accepted; each is checked against the file's first bytes, not only the declared type.</summary>
    [MinLength(1)]
    public string[] AllowedContentTypes { get; set; } =
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv"];
}
