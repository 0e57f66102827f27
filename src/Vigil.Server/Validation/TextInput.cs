namespace Vigil.Server.Validation;

/// <summary>Checks on free text that arrives from clients, shared by every feature that stores text.</summary>
public static class TextInput
{
    /// <summary>
    /// True when the string holds a lone UTF-16 surrogate: such text cannot be encoded as UTF-8, so storing it would
    /// corrupt the record or fail later on export.
    /// </summary>
    public static bool HasInvalidUtf16(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True for C0/C1 control characters other than tab, line feed and carriage return (which Markdown needs), and
    /// for NUL everywhere. Zero-width and bidirectional characters are allowed: they are real text in many scripts.
    /// </summary>
    public static bool HasControlCharacters(string text, bool allowLineBreaks)
    {
        foreach (var c in text)
        {
            if (allowLineBreaks && c is '\t' or '\n' or '\r')
            {
                continue;
            }

            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Refuses text that is missing, too long, not well-formed UTF-16 or holds control characters.</summary>
    public static string? Problem(string? text, string field, int maxLength, bool allowLineBreaks = false, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? $"{field} is required." : null;
        }

        if (text.Length > maxLength)
        {
            return $"{field} has {text.Length} characters; at most {maxLength} are allowed.";
        }

        if (HasInvalidUtf16(text))
        {
            return $"{field} contains an unpaired UTF-16 surrogate.";
        }

        return HasControlCharacters(text, allowLineBreaks) ? $"{field} contains control characters." : null;
    }
}
