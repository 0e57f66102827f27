namespace Vigil.Safety.Lexicons;

/// <summary>A phrase found in a text: its words, and where it is (UTF-16 offsets, end exclusive).</summary>
public sealed record PhraseMatch(string Phrase, int Start, int End, int FirstToken, int LastToken);

/// <summary>
/// A set of phrases (one or more words) matched on word boundaries, longest first and without overlap, so
/// "shortness of breath" wins over "breath" and "dry mouth" is one finding.
/// </summary>
public class PhraseLexicon
{
    private readonly HashSet<string> _phrases;

    public PhraseLexicon(IEnumerable<string> phrases)
    {
        ArgumentNullException.ThrowIfNull(phrases);
        _phrases = new HashSet<string>(StringComparer.Ordinal);
        foreach (var phrase in phrases)
        {
            var words = TextToken.Split(phrase).Select(t => t.Text).ToList();
            if (words.Count > 0)
            {
                _phrases.Add(string.Join(' ', words));
                MaxWords = Math.Max(MaxWords, words.Count);
            }
        }
    }

    public int Count => _phrases.Count;

    public int MaxWords { get; private set; }

    public bool Contains(string phrase) => _phrases.Contains(phrase);

    public List<PhraseMatch> Find(IReadOnlyList<TextToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var matches = new List<PhraseMatch>();
        for (var i = 0; i < tokens.Count; i++)
        {
            for (var length = Math.Min(MaxWords, tokens.Count - i); length >= 1; length--)
            {
                var phrase = length == 1 ? tokens[i].Text : string.Join(' ', Enumerable.Range(i, length).Select(k => tokens[k].Text));
                if (_phrases.Contains(phrase))
                {
                    matches.Add(new PhraseMatch(phrase, tokens[i].Start, tokens[i + length - 1].End, i, i + length - 1));
                    i += length - 1;
                    break;
                }
            }
        }

        return matches;
    }
}
