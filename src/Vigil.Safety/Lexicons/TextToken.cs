using System.Globalization;

namespace Vigil.Safety.Lexicons;

/// <summary>A word of a message, lower-cased, with its UTF-16 position in the original text.</summary>
public readonly record struct TextToken(string Text, int Start, int End)
{
    /// <summary>
    /// Words are runs of letters, digits, apostrophes and inner hyphens ("can't", "light-headed"); everything else
    /// separates them. Lower-casing is culture-invariant so "İ" and friends cannot break matching.
    /// </summary>
    public static List<TextToken> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<TextToken>();
        var i = 0;
        while (i < text.Length)
        {
            if (!IsWord(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && (IsWord(text[i]) || ((text[i] is '-' or '\'' or '’') && i + 1 < text.Length && IsWord(text[i + 1]))))
            {
                i++;
            }

            // A possessive belongs to the word it follows: "Anna's" is Anna.
            var end = i - start > 3 && (text[i - 2] is '\'' or '’') && text[i - 1] is 's' or 'S' ? i - 2 : i;
            tokens.Add(new TextToken(text[start..end].Replace('’', '\'').ToLowerInvariant(), start, end));
        }

        return tokens;
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;
}
