using System.Text.RegularExpressions;
using Vigil.Safety.Lexicons;

namespace Vigil.Safety.Phi;

/// <summary>
/// Finds protected health information a message should not carry into a conversation not cleared for it: names (a
/// gazetteer of given names and surnames, titles and relational cues such as "her daughter Anna", and the names and
/// record numbers of known patients), dates, ages over 89, phone numbers, e-mail and postal addresses, ZIP codes, US
/// SSNs, card numbers (Luhn-checked), IBANs and IP addresses. Rules, not a model: every hit can be explained.
/// </summary>
public sealed partial class PhiDetector
{
    private static readonly Lazy<HashSet<string>> GivenNames = new(() => Words("Vigil.Safety.Phi.given-names.txt"));
    private static readonly Lazy<HashSet<string>> Surnames = new(() => Words("Vigil.Safety.Phi.surnames.txt"));

    private static readonly HashSet<string> Titles = new(StringComparer.OrdinalIgnoreCase)
    {
        "mr", "mrs", "ms", "miss", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra",
    };

    private static readonly HashSet<string> Relations = new(StringComparer.OrdinalIgnoreCase)
    {
        "daughter", "son", "wife", "husband", "mother", "father", "mom", "dad", "sister", "brother", "partner", "patient", "pt",
        "grandson", "granddaughter", "grandmother", "grandfather", "aunt", "uncle", "niece", "nephew", "caregiver", "named", "called",
    };

    // Capitalised words that start many non-name phrases.
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "i", "the", "a", "an", "my", "our", "your", "this", "that", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
        "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "dear", "hi", "hello", "thanks", "please", "street", "avenue", "road", "apt", "suite", "inc", "ltd", "llc", "gmbh", "corp",
        "university", "hospital", "clinic", "department", "team", "study", "protocol", "site", "phase", "trial", "visa", "mastercard",
    };

    // Capitalised only because they open a sentence.
    private static readonly HashSet<string> SentenceOpeners = new(StringComparer.Ordinal)
    {
        "the", "this", "that", "these", "those", "thanks", "thank", "good", "please", "can", "could", "would", "will", "what", "when",
        "where", "why", "how", "who", "is", "are", "do", "does", "did", "we", "you", "he", "she", "they", "it", "there", "here", "if",
        "and", "but", "so", "as", "at", "on", "in", "for", "to", "from", "with", "by", "of", "yes", "no", "ok", "okay", "hi", "hello",
        "dear", "i", "my", "our", "your", "his", "her", "their", "new", "all", "any", "some", "one", "after", "before", "since", "just",
        "also", "let", "see", "call", "send", "get", "have", "has", "had", "not", "best", "kind", "happy", "great", "sorry",
    };

    private readonly PhraseLexicon? _knownNames;
    private readonly HashSet<string> _knownIdentifiers;

    /// <param name="knownNames">Names of the organisation's patients and their relatives, matched whole and case-insensitively.</param>
    /// <param name="knownIdentifiers">Their record numbers and other identifiers, matched exactly.</param>
    public PhiDetector(IEnumerable<string>? knownNames = null, IEnumerable<string>? knownIdentifiers = null)
    {
        // Whole names, and each part of them: chat says "pt Reichel" or "Anna's results" as often as the full name.
        var names = knownNames?.SelectMany(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append(n)).Where(n => n.Length >= 3).ToList() ?? [];
        _knownNames = names.Count > 0 ? new PhraseLexicon(names) : null;
        _knownIdentifiers = new HashSet<string>(knownIdentifiers?.Where(i => i.Length >= 4) ?? [], StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<PhiSpan> Scan(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<PhiSpan>();
        void Add(int start, int end, string type) => spans.Add(new PhiSpan(start, end, type, text[start..end]));

        foreach (Match m in Email().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.Email);
        }

        foreach (Match m in Ssn().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.Ssn);
        }

        foreach (Match m in CardNumber().Matches(text))
        {
            if (Luhn(m.Value))
            {
                Add(m.Index, m.Index + m.Length, PhiTypes.CreditCard);
            }
        }

        foreach (Match m in Iban().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.Iban);
        }

        foreach (Match m in IpAddress().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.IpAddress);
        }

        foreach (Match m in Phone().Matches(text))
        {
            if (m.Value.Count(char.IsDigit) is >= 7 and <= 15)
            {
                Add(m.Index, m.Index + m.Length, PhiTypes.Phone);
            }
        }

        foreach (Match m in StreetAddress().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.Address);
        }

        foreach (var pattern in new[] { ZipCode(), PostalCode() })
        {
            foreach (Match m in pattern.Matches(text))
            {
                Add(m.Groups["zip"].Index, m.Groups["zip"].Index + m.Groups["zip"].Length, PhiTypes.ZipCode);
            }
        }

        foreach (var pattern in new[] { NumericDate(), WrittenDate() })
        {
            foreach (Match m in pattern.Matches(text))
            {
                Add(m.Index, m.Index + m.Length, PhiTypes.Date);
            }
        }

        foreach (Match m in Age().Matches(text))
        {
            if (int.TryParse(m.Groups["age"].Value, System.Globalization.CultureInfo.InvariantCulture, out var age) && age is > 89 and < 130)
            {
                Add(m.Index, m.Index + m.Length, PhiTypes.Age);
            }
        }

        foreach (Match m in RecordNumber().Matches(text))
        {
            Add(m.Groups["id"].Index, m.Groups["id"].Index + m.Groups["id"].Length, PhiTypes.Identifier);
        }

        var tokens = TextToken.Split(text);
        FindNames(text, tokens, Add);
        if (_knownNames is not null)
        {
            foreach (var match in _knownNames.Find(tokens))
            {
                Add(match.Start, match.End, PhiTypes.KnownPatient);
            }
        }

        foreach (var token in tokens.Where(t => _knownIdentifiers.Contains(text[t.Start..t.End])))
        {
            Add(token.Start, token.End, PhiTypes.Identifier);
        }

        return Merge(spans);
    }

    private static void FindNames(string text, List<TextToken> tokens, Action<int, int, string> add)
    {
        // A name has lower-case letters after its capital and no digits: "MRN", "ICU" and "A123" are not names.
        bool Capitalised(int i) => i < tokens.Count && char.IsUpper(text[tokens[i].Start]) && tokens[i].End - tokens[i].Start > 1
            && !tokens[i].Text.Any(char.IsDigit) && text[(tokens[i].Start + 1)..tokens[i].End].Any(char.IsLower);
        bool Initial(int i) => i < tokens.Count && tokens[i].End - tokens[i].Start == 1 && char.IsUpper(text[tokens[i].Start]);
        string Original(int i) => text[tokens[i].Start..tokens[i].End];
        var given = GivenNames.Value;
        var surnames = Surnames.Value;
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Text == "name" && i + 1 < tokens.Count)
            {
                // "my name is siiri", "name on the account? Šárka Ottová", "last name: Magnusson": whatever follows is a name.
                var next = tokens[i + 1].Text is "is" or "was" ? i + 2 : i + 1;
                var gap = next < tokens.Count ? text.AsSpan(tokens[i].End, tokens[next].Start - tokens[i].End) : default;
                if (next < tokens.Count && (tokens[i + 1].Text is "is" or "was" || gap.IndexOfAny(":?") >= 0) && !Common.Contains(tokens[next].Text))
                {
                    var last = next + 1 < tokens.Count && Capitalised(next + 1) ? next + 1 : next;
                    add(tokens[next].Start, tokens[last].End, PhiTypes.Person);
                    i = last;
                    continue;
                }
            }

            var cue = Titles.Contains(tokens[i].Text) || Relations.Contains(tokens[i].Text);
            if (cue && Capitalised(i + 1))
            {
                // "Mr. Koskinen", "her daughter Anna Schmidt": what follows the cue is a name, listed or not.
                var end = Capitalised(i + 2) && !Titles.Contains(tokens[i + 2].Text) ? i + 2 : i + 1;
                add(tokens[i + 1].Start, tokens[end].End, PhiTypes.Person);
                i = end;
                continue;
            }

            // Two or three capitalised words inside a sentence ("… with Jokubas Kalnins about …") are taken for a name:
            // the guard errs towards a warning the sender can dismiss.
            var pair = Capitalised(i) && (Capitalised(i + 1) || (Initial(i + 1) && Capitalised(i + 2)))
                && !Common.Contains(tokens[i].Text) && !Common.Contains(tokens[i + 1].Text)
                && (!SentenceStart(text, tokens, i) || !SentenceOpeners.Contains(tokens[i].Text));
            if (pair || (Capitalised(i) && (given.Contains(Original(i)) || (surnames.Contains(Original(i)) && i > 0 && Capitalised(i - 1)))))
            {
                var start = i;
                var end = i;
                while (end + 1 < tokens.Count && (Capitalised(end + 1) || (Initial(end + 1) && Capitalised(end + 2))) && end - start < 3
                    && !Relations.Contains(tokens[end + 1].Text))
                {
                    end++;
                }

                // A lone given name at the start of a sentence ("Will you…", "Grace period…") is too weak on its own.
                if (end > start || !SentenceStart(text, tokens, start))
                {
                    add(tokens[start].Start, tokens[end].End, PhiTypes.Person);
                }

                i = end;
            }
        }
    }

    private static bool SentenceStart(string text, List<TextToken> tokens, int i) =>
        i == 0 || text.AsSpan(tokens[i - 1].End, tokens[i].Start - tokens[i - 1].End).IndexOfAny(".!?\n:") >= 0;

    /// <summary>Overlapping spans become one (the longer wins its type), in text order.</summary>
    private static List<PhiSpan> Merge(List<PhiSpan> spans)
    {
        var merged = new List<PhiSpan>();
        // For the same stretch of text, the most specific kind wins: a known patient over a name-like pair.
        static int Specificity(string type) => type switch { PhiTypes.KnownPatient => 0, PhiTypes.Person => 2, _ => 1 };
        foreach (var span in spans.OrderBy(s => s.Start).ThenByDescending(s => s.End - s.Start).ThenBy(s => Specificity(s.Type)))
        {
            if (merged.Count > 0 && span.Start < merged[^1].End)
            {
                continue;
            }

            merged.Add(span);
        }

        return merged;
    }

    private static bool Luhn(string number)
    {
        var digits = number.Where(char.IsDigit).Select(c => c - '0').Reverse().ToList();
        if (digits.Count is < 13 or > 19)
        {
            return false;
        }

        var sum = digits.Select((d, i) => i % 2 == 1 ? (d * 2 > 9 ? (d * 2) - 9 : d * 2) : d).Sum();
        return sum % 10 == 0;
    }

    private static HashSet<string> Words(string resource)
    {
        using var stream = typeof(PhiDetector).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n').Where(l => !l.StartsWith('#')).SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
    }

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")]
    private static partial Regex Email();

    [GeneratedRegex(@"\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b")]
    private static partial Regex Ssn();

    [GeneratedRegex(@"\b(?:\d[ -]?){12,18}\d\b")]
    private static partial Regex CardNumber();

    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b")]
    private static partial Regex Iban();

    [GeneratedRegex(@"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")]
    private static partial Regex IpAddress();

    [GeneratedRegex(@"(?<![\w+])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,4}\)[ .\-]?)?\d{2,4}(?:[ .\-]\d{2,8}){1,4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?!\w)")]
    private static partial Regex Phone();

    // A house number and a capitalised street name (with or without "Street", "Ave" …), or a street name ending in a
    // street word followed by its number ("Hauptstraße 5"), with an optional apartment or suite.
    [GeneratedRegex(@"\b\d{1,6}[A-Za-z]?\s+[A-Z][\p{L}'\-]+(?:\s+(?:[A-Z][\p{L}'\-]*\.?|\d{1,4}))*(?:,?\s*(?:Apt\.?|Suite|Unit|#)\s*\w+)?|\b[A-Z][\p{L}\-]*(?:straße|strasse|weg|gasse|platz|allee|katu|vägen|gatan|vej|straat|laan)\s+\d{1,5}[a-z]?\b")]
    private static partial Regex StreetAddress();

    [GeneratedRegex(@"(?<=(?:\b[A-Z]{2}|[\p{L},])\s{1,3})(?<zip>\d{5}(?:-\d{4})?)\b(?!\s*(?:mg|ml|units?|mcg|%))")]
    private static partial Regex ZipCode();

    // "zip code is 2200", "ARENDAL 4844", "ÖVERTURINGEN 840 24": postal codes outside the US, by cue or after a town in capitals.
    [GeneratedRegex(@"(?:\b(?i:zip|postal|post)\s?(?i:code)(?:\s+is)?[:\s]\s*|\b\p{Lu}{3,}\s+)(?<zip>\d{3}\s?\d{2}|\d{4,5})\b")]
    private static partial Regex PostalCode();

    [GeneratedRegex(@"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2})\b")]
    private static partial Regex NumericDate();

    [GeneratedRegex(@"\b(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+(?:19|20)\d{2})?\b(?<=\d|\d\w\w|(?:19|20)\d{2})|\b\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?")]
    private static partial Regex WrittenDate();

    [GeneratedRegex(@"\b(?:aged?\s+(?<age>\d{2,3})|(?<age>\d{2,3})[- ]?(?:years?|yrs?|y/?o)(?:[- ]old)?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Age();

    [GeneratedRegex(@"\b(?:MRN|medical record(?: number| no\.?)?|record (?:number|no\.?)|patient (?:id|number)|chart(?: number| no\.?)?)\s*[:#]?\s*(?<id>[A-Z0-9\-]{4,20})\b", RegexOptions.IgnoreCase)]
    private static partial Regex RecordNumber();
}
