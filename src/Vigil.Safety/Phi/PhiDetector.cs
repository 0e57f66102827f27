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
    private readonly NameFinder _names;
    private readonly PhraseLexicon? _knownNames;
    private readonly HashSet<string> _knownIdentifiers;

    /// <param name="knownNames">Names of the organisation's patients and their relatives, matched whole and case-insensitively.</param>
    /// <param name="knownIdentifiers">Their record numbers and other identifiers, matched exactly.</param>
    /// <param name="sensitivity">How readily a capitalised word is taken for a name.</param>
    /// <param name="drugs">Drug and product names, never taken for a person (thorough sensitivity; DrugBank's names when not given).</param>
    public PhiDetector(IEnumerable<string>? knownNames = null, IEnumerable<string>? knownIdentifiers = null,
        PhiSensitivity sensitivity = PhiSensitivity.Thorough, DrugLexicon? drugs = null)
    {
        // Whole names, and each part of them: chat says "pt Reichel" or "Anna's results" as often as the full name.
        var names = knownNames?.SelectMany(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries).Append(n)).Where(n => n.Length >= 3).ToList() ?? [];
        _knownNames = names.Count > 0 ? new PhraseLexicon(names) : null;
        _knownIdentifiers = new HashSet<string>(knownIdentifiers?.Where(i => i.Length >= 4) ?? [], StringComparer.OrdinalIgnoreCase);
        _names = new NameFinder(NameGazetteer.Default, sensitivity,
            sensitivity == PhiSensitivity.Thorough ? drugs ?? DrugLexicon.Default() : null);
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

        foreach (Match m in CardAfterCue().Matches(text))
        {
            Add(m.Groups["card"].Index, m.Groups["card"].Index + m.Groups["card"].Length, PhiTypes.CreditCard);
        }

        foreach (Match m in Iban().Matches(text))
        {
            Add(m.Index, m.Index + m.Length, PhiTypes.Iban);
        }

        foreach (var pattern in new[] { IpAddress(), Ipv6Address() })
        {
            foreach (Match m in pattern.Matches(text))
            {
                Add(m.Index, m.Index + m.Length, PhiTypes.IpAddress);
            }
        }

        foreach (Match m in PhoneAfterCue().Matches(text))
        {
            Add(m.Groups["phone"].Index, m.Groups["phone"].Index + m.Groups["phone"].Length, PhiTypes.Phone);
        }

        foreach (Match m in LicenceNumber().Matches(text))
        {
            Add(m.Groups["id"].Index, m.Groups["id"].Index + m.Groups["id"].Length, PhiTypes.Identifier);
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
        _names.Find(text, tokens, Add);
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

    [GeneratedRegex(@"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")]
    private static partial Regex Email();

    [GeneratedRegex(@"\b(?!000|666|9\d\d)\d{3}[- ](?!00)\d{2}[- ](?!0000)\d{4}\b")]
    private static partial Regex Ssn();

    [GeneratedRegex(@"\b(?:\d[ -]?){12,18}\d\b")]
    private static partial Regex CardNumber();

    // After "card", "cc" or "card number", 12 to 19 digits are a card number even when the Luhn check fails (Maestro, typos).
    [GeneratedRegex(@"\b(?i:card|cc)(?:\s+(?i:number|no\.?))?(?:\s+(?i:is))?\s*[#:]?\s*(?<card>(?:\d[ \-]?){11,18}\d)\b")]
    private static partial Regex CardAfterCue();

    // Upper or lower case ("my iban is gb42nawi…"): the country code and check digits make a stray match rare.
    [GeneratedRegex(@"\b(?:[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?|[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){3,7}(?: ?[a-z0-9]{1,3})?)\b")]
    private static partial Regex Iban();

    [GeneratedRegex(@"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")]
    private static partial Regex IpAddress();

    // Full or "::"-shortened IPv6 addresses, with at least three groups so a time ("10:30") never matches.
    [GeneratedRegex(@"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}:){0,5}[0-9A-Fa-f]{1,4}(?![\w:])")]
    private static partial Regex Ipv6Address();

    // Unbroken digits are a phone number next to a phone word: "Fax: 9498777106", "3660170548-Fax", "+447700677662 mobile".
    [GeneratedRegex(@"(?:\b(?i:phone|tel|mobile|cell|fax|desk|office)\b\W{0,3}(?<phone>\+?\d{9,14})\b|(?<phone>\+?\b\d{9,14})\W{1,3}(?i:phone|tel|mobile|cell|fax|desk|office)\b|(?<![\w+])(?<phone>\+\d{10,14})\b)")]
    private static partial Regex PhoneAfterCue();

    // "driver's license number is F162823540116", "licence no. 5130634", "DL# A1234567".
    [GeneratedRegex(@"\b(?:(?i:driver'?s?)\s+(?i:licen[cs]e)(?:\s+(?i:number|no\.?))?|DL)(?:\s+(?i:is))?\s*[:#]?\s*(?<id>[A-Z0-9][A-Z0-9\-]{4,19})\b")]
    private static partial Regex LicenceNumber();

    [GeneratedRegex(@"(?<![\w+])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{1,4}\)[ .\-]?)?\d{2,4}(?:[ .\-]\d{2,8}){1,4}(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?!\w)")]
    private static partial Regex Phone();

    // A house number (or two: "935 69 Gordon Terrace") and a capitalised street name (with or without "Street", "Ave" …);
    // a street name ending in a street word and its number ("Hauptstraße 5", "255 hersnapvej 18", in any case); a street
    // word first ("Via dei Fiorentini 17", "ul. Chrzanowska 61", "Rue …"); an apartment or suite on its own; a P.O. box.
    [GeneratedRegex(@"\b\d{1,6}[A-Za-z]?(?:\s+\d{1,6})?\s+[A-Z][\p{L}'\-]+(?:\s+(?:[A-Z][\p{L}'\-]*\.?|\d{1,4}))*(?:,?\s*(?:Apt\.?|Suite|Unit|#)\s*\w+)?"
        + @"|(?:\b\d{1,6}\s+\p{L}|\b\p{Lu})[\p{L}\-]*(?i:straße|strasse|stræti|weg|gasse|platz|allee|katu|kuja|tie|vägen|gatan|gata|vej|veien|vegen|straat|laan|gate)\s+\d{1,5}[a-z]?\b"
        + @"|\b(?:Via|Viale|Piazza|Corso|Rue|Calle|Avenida|Rua|Praça|Carrer|ul\.|ulica|Trg|trg)\s+(?:[\p{L}'\-]+\.?\s+){0,4}\d{1,5}[a-z]?\b"
        + @"|\b(?:Apt\.?|Apartment|Suite|Unit)\s*#?\d{1,5}\b|\bP\.?\s?O\.?\s?Box\s+\d{1,6}\b")]
    private static partial Regex StreetAddress();

    [GeneratedRegex(@"(?<=(?:\b[A-Z]{2}|[\p{L},])\s{1,3})(?<zip>\d{5}(?:-\d{4})?)\b(?!\s*(?:mg|ml|units?|mcg|%))")]
    private static partial Regex ZipCode();

    // "zip code is 2200", "ZIP: 394 13", "postal code 53-320", "ARENDAL 4844", "ÖVERTURINGEN 840 24": postal codes outside
    // the US, by cue or after a town in capitals.
    [GeneratedRegex(@"(?:(?:\b(?i:zip|postal|post)\s?(?i:code)(?:\s+is)?[:\s]|\b(?i:zip)(?:\s+is)?[:\s])\s*(?<zip>\d{2,5}(?:[\- ]\d{2,4})?)|\b\p{Lu}{3,}\s+(?<zip>\d{3}\s?\d{2}|\d{4,5}))\b")]
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
