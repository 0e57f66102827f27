using System.Text.Unicode;

namespace Vigil.Server.Attachments;

/// <summary>
/// Checks that a file's first bytes match its declared type, so a script uploaded as "image/png" is refused rather
/// than served to a browser that might sniff it.
/// </summary>
internal static class ContentSignature
{
    public static bool Matches(string contentType, ReadOnlySpan<byte> head) => contentType switch
    {
        "image/png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        "image/webp" => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        "application/pdf" => head.StartsWith("%PDF-"u8),
        "text/plain" or "text/csv" => IsText(head),
        _ => false,
    };

    /// <summary>Text is valid UTF-8 without NUL; the head may end inside a multi-byte character.</summary>
    private static bool IsText(ReadOnlySpan<byte> head)
    {
        if (head.Contains((byte)0))
        {
            return false;
        }

        var trimmed = head;
        for (var i = 0; i < 3 && trimmed.Length > 0 && (trimmed[^1] & 0x80) != 0; i++)
        {
            if (Utf8.IsValid(trimmed))
            {
                return true;
            }

            trimmed = trimmed[..^1];
        }

        return Utf8.IsValid(trimmed);
    }
}
