using System.Text.RegularExpressions;

namespace Vigil.Server.Messaging;

/// <summary>Finds <c>@username</c> mentions in Markdown; an address like a@b.org is not a mention.</summary>
internal static partial class MentionParser
{
    public static IReadOnlyList<string> Usernames(string body)
    {
        if (!body.Contains('@', StringComparison.Ordinal))
        {
            return [];
        }

        var names = new List<string>();
        foreach (Match match in Mention().Matches(body))
        {
            var name = match.Groups["name"].Value.TrimEnd('.', '-', '_');
            if (name.Length > 0 && !names.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                names.Add(name);
            }
        }

        return names;
    }

    [GeneratedRegex(@"(?<![\w@.])@(?<name>[A-Za-z0-9][A-Za-z0-9._-]{0,63})", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Mention();
}
