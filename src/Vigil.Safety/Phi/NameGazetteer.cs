using System.IO.Compression;

namespace Vigil.Safety.Phi;

/// <summary>
/// The word lists behind name detection: about 13,000 given names and 20,000 surnames from many locales, the
/// lower-case English words that tell "Will" the verb from Will the person, and places and companies that are not
/// people ("Basel", "Roche"). Built by eng/NameGazetteer.
/// </summary>
public sealed class NameGazetteer
{
    private static readonly Lazy<NameGazetteer> Shared = new(() => new NameGazetteer(
        Read("Vigil.Safety.Phi.given-names.txt.gz").Concat(Read("Vigil.Safety.Phi.surnames.txt.gz")),
        Read("Vigil.Safety.Phi.english-words.txt.gz"),
        Read("Vigil.Safety.Phi.places.txt.gz")));

    // Name → also an English word; case-insensitive, since chat writes "anna" as often as "Anna".
    private readonly Dictionary<string, bool> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _english;
    private readonly HashSet<string> _places;

    private NameGazetteer(IEnumerable<string> names, IEnumerable<string> englishWords, IEnumerable<string> places)
    {
        foreach (var line in names)
        {
            var ambiguous = line.StartsWith('~');
            _names[ambiguous ? line[1..] : line] = ambiguous;
        }

        _english = new HashSet<string>(englishWords, StringComparer.Ordinal);
        _places = new HashSet<string>(places, StringComparer.OrdinalIgnoreCase);
    }

    public static NameGazetteer Default => Shared.Value;

    /// <summary>A listed name that is not also an English word: enough on its own.</summary>
    public bool IsName(string word) => _names.TryGetValue(word, out var ambiguous) && !ambiguous;

    /// <summary>A listed name that is also an English word ("Grace", "Will"): a name only in context.</summary>
    public bool IsAmbiguousName(string word) => _names.TryGetValue(word, out var ambiguous) && ambiguous;

    /// <summary>A country, US state, or a city or company that pharma chat names often.</summary>
    public bool IsPlace(string word) => _places.Contains(word);

    /// <summary>An English word when lower-cased (the token text is already lower-case).</summary>
    public bool IsEnglish(string lowerCaseWord) => _english.Contains(lowerCaseWord);

    private static IEnumerable<string> Read(string resource)
    {
        using var stream = typeof(NameGazetteer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from the assembly.");
        using var reader = new StreamReader(new GZipStream(stream, CompressionMode.Decompress));
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && line[0] != '#')
            {
                words.Add(line);
            }
        }

        return words;
    }
}
